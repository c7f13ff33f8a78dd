/* sysinfo_misc: system information calls: uname, sysinfo, getrusage,
 * times, getrlimit/prlimit/setrlimit, getpriority, sysconf. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

static void lim(const char *name, int res)
{
    struct rlimit rl;
    getrlimit(res, &rl);
    printf("%-14s cur %ld max %ld\n", name, (long)rl.rlim_cur, (long)rl.rlim_max);
}

int main(void)
{
    struct utsname u;
    struct sysinfo si;
    struct rusage ru;
    struct tms t;
    struct rlimit rl = { 0, 0 }, old;
    volatile long spin = 0;
    clock_t c;

    for (long i = 0; i < 3000000; i++)
        spin += i;
    uname(&u);
    printf("uname: %s %s %s %s\n", u.sysname, u.nodename, u.release, u.machine);
    sysinfo(&si);
    printf("sysinfo: uptime %ld loads %lu %lu %lu procs %u freeram %lu\n", si.uptime, si.loads[0],
           si.loads[1], si.loads[2], si.procs, si.freeram);
    getrusage(RUSAGE_SELF, &ru);
    printf("rusage: utime %ld.%06ld stime %ld.%06ld maxrss %ld minflt %ld\n", (long)ru.ru_utime.tv_sec,
           (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, ru.ru_maxrss,
           ru.ru_minflt);
    c = times(&t);
    printf("times: %ld utime %ld stime %ld\n", (long)c, (long)t.tms_utime, (long)t.tms_stime);
    lim("RLIMIT_NOFILE", RLIMIT_NOFILE);
    lim("RLIMIT_STACK", RLIMIT_STACK);
    lim("RLIMIT_AS", RLIMIT_AS);
    prlimit(0, RLIMIT_NOFILE, NULL, &old);
    printf("prlimit NOFILE cur %ld\n", (long)old.rlim_cur);
    printf("setrlimit CORE 0: %d\n", setrlimit(RLIMIT_CORE, &rl));
    lim("RLIMIT_CORE", RLIMIT_CORE);
    printf("getpriority %d\n", getpriority(PRIO_PROCESS, 0));
    printf("nprocs %ld pagesize %ld clk_tck %ld\n", sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_PAGESIZE),
           sysconf(_SC_CLK_TCK));
    return spin == 0;
}
