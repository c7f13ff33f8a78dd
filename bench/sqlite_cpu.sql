-- bench/sqlite_cpu.sql: CPU-bound work for `sqlite3 :memory:` (run with
-- PRAGMA temp_store=MEMORY so nothing spills to temporary files: the whole
-- run makes only a few hundred system calls).
PRAGMA temp_store=MEMORY;
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, x REAL);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 200000)
INSERT INTO t SELECT i, (i*7919) % 1000, printf('row-%08d', (i*104729) % 200000), (i % 977) * 0.5 FROM c;
CREATE INDEX t_k ON t(k);
CREATE INDEX t_v ON t(v);
SELECT count(*), sum(k), round(avg(x), 4) FROM t;
SELECT k, count(*), round(sum(x), 2) FROM t GROUP BY k ORDER BY k LIMIT 5;
SELECT count(DISTINCT v), min(v), max(v) FROM t;
SELECT k, max(v) FROM t WHERE k BETWEEN 100 AND 105 GROUP BY k;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND a.id < b.id WHERE a.id < 30000;
SELECT round(sum(x * x) / count(*), 3) FROM t WHERE v LIKE 'row-0001%';
