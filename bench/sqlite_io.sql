-- bench/sqlite_io.sql: the same kind of work on a database file with a tiny
-- page cache (64 pages), so sqlite3 reads and writes 4 KiB pages with
-- pread64/pwrite64 all the time: over ten thousand I/O system calls.  The
-- file is deleted before every run.
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=64;
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 100000)
INSERT INTO t SELECT i, (i*7919) % 1000,
  printf('%010d-%010d-%010d', (i*2654435761) % 4294967291, (i*40503) % 1000000007, (i*i) % 998244353) FROM c;
CREATE INDEX t_v ON t(v);
SELECT count(*), count(DISTINCT k), sum(length(v)) FROM t;
SELECT min(v), max(v) FROM t;
SELECT k, count(*) FROM t WHERE v > '4' GROUP BY k ORDER BY 2 DESC, 1 LIMIT 3;
