/* header — the text file describing a recording.
 *
 *   rewind-trace 1
 *   exe /usr/bin/ls
 *   ...
 *   arg ls
 *   env HOME=/root
 *   end
 *
 * The first line is the magic and format version.  Then one "key value" line
 * per field, in any order; arg and env repeat.  Values are escaped so that one
 * line holds one value: backslash, newline and other control characters become
 * \\, \n and \xHH.  The final "end" line tells a complete header from one cut
 * short.  Unknown keys are ignored. */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char magic[] = "rewind-trace ";

static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\\') {
            buf_put(b, "\\\\", 2);
        } else if (ch == '\n') {
            buf_put(b, "\\n", 2);
        } else if (ch < 0x20 || ch == 0x7f) {
            char x[8];
            snprintf(x, sizeof x, "\\x%02x", ch);
            buf_put(b, x, 4);
        } else {
            buf_put_u8(b, ch);
        }
    }
}

static void put_line(struct buf *b, const char *key, const char *val)
{
    buf_put(b, key, strlen(key));
    buf_put_u8(b, ' ');
    put_escaped(b, val ? val : "");
    buf_put_u8(b, '\n');
}

void header_format(struct buf *b, const struct trace_header *h)
{
    char line[160];   /* room for the numeric lines at their widest */
    int n = snprintf(line, sizeof line, "%s%d\n", magic, TRACE_FORMAT_VERSION);
    buf_put(b, line, (size_t)n);
    put_line(b, "exe", h->exe);
    put_line(b, "cwd", h->cwd);
    put_line(b, "kernel", h->kernel);
    put_line(b, "cpu", h->cpu);
    put_line(b, "hostname", h->hostname);
    n = snprintf(line, sizeof line, "start-time-ns %llu\ncpuid-faulting %d\nbound-cpu %d\n",
                 (unsigned long long)h->start_time_ns, h->cpuid_faulting ? 1 : 0, h->bound_cpu);
    buf_put(b, line, (size_t)n);
    for (int i = 0; i < h->argc; i++)
        put_line(b, "arg", h->argv[i]);
    for (int i = 0; i < h->envc; i++)
        put_line(b, "env", h->envp[i]);
    buf_put(b, "end\n", 4);
}

void trace_header_free(struct trace_header *h)
{
    if (!h)
        return;
    for (int i = 0; i < h->argc; i++)
        free(h->argv[i]);
    free(h->argv);
    for (int i = 0; i < h->envc; i++)
        free(h->envp[i]);
    free(h->envp);
    free(h->cwd);
    free(h->exe);
    free(h->kernel);
    free(h->cpu);
    free(h->hostname);
    memset(h, 0, sizeof *h);
}


/* Undoes put_escaped on s[0..n); NULL on a malformed escape. */
static char *unescape(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            *o++ = s[i];
            continue;
        }
        if (i + 1 < n && s[i + 1] == '\\') {
            *o++ = '\\';
            i++;
        } else if (i + 1 < n && s[i + 1] == 'n') {
            *o++ = '\n';
            i++;
        } else if (i + 3 < n && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 &&
                   hex_value(s[i + 3]) >= 0 && (hex_value(s[i + 2]) | hex_value(s[i + 3]))) {
            *o++ = (char)(hex_value(s[i + 2]) << 4 | hex_value(s[i + 3]));
            i += 3;
        } else {
            free(out);
            return NULL;
        }
    }
    *o = 0;
    return out;
}

/* Decimal without sign, spaces or overflow. */
static bool parse_u64(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return true;
}

static void push(char ***arr, int *n, char *s)
{
    /* capacity is implicit: grow whenever n+1 is a power of two, keeping
     * room for the NULL that ends the array */
    if ((*n & (*n + 1)) == 0)
        *arr = xrealloc(*arr, ((size_t)*n * 2 + 2) * sizeof **arr);
    (*arr)[(*n)++] = s;
    (*arr)[*n] = NULL;
}

static void set_str(char **field, char *val)
{
    free(*field);
    *field = val;
}

#define BAD(...) do { \
        int _n = snprintf(err, errlen, "corrupt trace header in %s: line %d: ", dir, lineno); \
        if (_n >= 0 && (size_t)_n < errlen) \
            snprintf(err + _n, errlen - (size_t)_n, __VA_ARGS__); \
        goto fail; \
    } while (0)

bool header_parse(const char *text, size_t len, const char *dir,
                  struct trace_header *h, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    int lineno = 1;
    bool seen_end = false;
    char *val = NULL;

    memset(h, 0, sizeof *h);
    if (len == 0) {
        snprintf(err, errlen, "%s is not a usable trace: its header is empty "
                 "(the recording did not get to start)", dir);
        return false;
    }
    if (len < sizeof magic - 1 || memcmp(text, magic, sizeof magic - 1) != 0) {
        snprintf(err, errlen, "not a rewind trace: %s", dir);
        return false;
    }

    /* The version line: "rewind-trace N" */
    p += sizeof magic - 1;
    uint64_t version = 0;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *q = p;
    while (q < end && q - p < 10 && *q >= '0' && *q <= '9')
        version = version * 10 + (uint64_t)(*q++ - '0');
    if (q == p || (q < end && *q != '\n')) {
        snprintf(err, errlen, "not a rewind trace: %s (bad version line)", dir);
        return false;
    }
    if (version != TRACE_FORMAT_VERSION) {
        snprintf(err, errlen, "trace format version %llu is not supported (this rewind reads version %d)",
                 (unsigned long long)version, TRACE_FORMAT_VERSION);
        return false;
    }
    h->version = (uint32_t)version;
    if (!nl)
        BAD("the header is incomplete");
    p = nl + 1;

    while (p < end) {
        lineno++;
        if (seen_end)
            BAD("unexpected text after the end line");
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            BAD("the header is incomplete");
        if (memchr(p, 0, (size_t)(nl - p)))
            BAD("NUL byte");
        const char *sp = memchr(p, ' ', (size_t)(nl - p));
        size_t klen = (size_t)((sp ? sp : nl) - p);
        const char *v = sp ? sp + 1 : nl;
        val = unescape(v, (size_t)(nl - v));
        if (!val)
            BAD("bad escape sequence");
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
        if (KEY("end")) {
            seen_end = true;
            free(val);
        } else if (KEY("exe")) {
            set_str(&h->exe, val);
        } else if (KEY("cwd")) {
            set_str(&h->cwd, val);
        } else if (KEY("kernel")) {
            set_str(&h->kernel, val);
        } else if (KEY("cpu")) {
            set_str(&h->cpu, val);
        } else if (KEY("hostname")) {
            set_str(&h->hostname, val);
        } else if (KEY("arg")) {
            push(&h->argv, &h->argc, val);
        } else if (KEY("env")) {
            push(&h->envp, &h->envc, val);
        } else if (KEY("start-time-ns")) {
            bool ok = parse_u64(val, &h->start_time_ns);
            free(val);
            val = NULL;
            if (!ok)
                BAD("bad start-time-ns");
        } else if (KEY("cpuid-faulting")) {
            bool ok = !strcmp(val, "0") || !strcmp(val, "1");
            h->cpuid_faulting = val[0] == '1';
            free(val);
            val = NULL;
            if (!ok)
                BAD("bad cpuid-faulting");
        } else if (KEY("bound-cpu")) {
            uint64_t cpu = 0;
            bool ok = parse_u64(val, &cpu) && cpu < (1u << 20);
            h->bound_cpu = (int)cpu;
            free(val);
            val = NULL;
            if (!ok)
                BAD("bad bound-cpu");
        } else {
            free(val);   /* a field this version does not know: harmless */
        }
#undef KEY
        val = NULL;
        p = nl + 1;
    }
    if (!seen_end)
        BAD("the header is incomplete");

    /* Consumers may print or exec these without checking. */
    if (!h->argv)
        h->argv = xcalloc(1, sizeof *h->argv);
    if (!h->envp)
        h->envp = xcalloc(1, sizeof *h->envp);
    char **strs[] = {&h->exe, &h->cwd, &h->kernel, &h->cpu, &h->hostname};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (!*strs[i])
            *strs[i] = xstrdup("");
    return true;

fail:
    free(val);
    trace_header_free(h);
    return false;
}
