/*
 * replay.c: run a libFuzzer harness (its LLVMFuzzerTestOneInput) over
 * files without libFuzzer, so the seed corpora and every crash found so
 * far run in the unit suite (fuzz-replay-csv, fuzz-replay-snapshot).
 *
 *   replay PATH...
 *
 * Each PATH is a file or a directory (every regular file in it, in name
 * order).  Each input runs in a child process, so a crash or an abort of
 * the harness names its input and the others still run;
 * MTL_REPLAY_NOFORK=1 runs them in this process instead (under gdb), and
 * MTL_REPLAY_VERBOSE=1 names every input.  Exit status 1 when an input
 * failed or a path could not be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int verbose, nofork;
static size_t inputs, failed;

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t cap = 0, n;
    *len = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (*len == cap) {
            unsigned char *q = realloc(p, cap ? cap * 2 : 4096);
            if (!q) {
                free(p);
                fclose(f);
                return NULL;
            }
            p = q;
            cap = cap ? cap * 2 : 4096;
        }
        n = fread(p + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return p;
}

static int run_one(const char *path)
{
    unsigned char *data;
    size_t len;
    pid_t pid;
    int status;
    inputs++;
    if (verbose)
        printf("replay: %s\n", path);
    fflush(stdout);
    fflush(stderr);
    if (!nofork) {
        pid = fork();
        if (pid < 0) {
            perror("replay: fork");
            return 1;
        }
        if (pid > 0) {
            if (waitpid(pid, &status, 0) < 0) {
                perror("replay: waitpid");
                return 1;
            }
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
            failed++;
            if (WIFSIGNALED(status))
                printf("replay: FAILED %s (signal %d)\n", path, WTERMSIG(status));
            else
                printf("replay: FAILED %s (exit %d)\n", path, WEXITSTATUS(status));
            return 1;
        }
    }
    data = read_all(path, &len);
    if (!data && len == 0) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            printf("replay: cannot open %s\n", path);
            if (!nofork)
                _exit(1);
            failed++;
            return 1;
        }
        fclose(f);
    }
    LLVMFuzzerTestOneInput(data ? data : (const unsigned char *)"", len);
    free(data);
    if (!nofork) {
        fflush(stdout);
        _exit(0);
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_directory(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int bad = 0;
    if (!d) {
        printf("replay: cannot read directory %s\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            char **q = realloc(names, (cap ? cap * 2 : 64) * sizeof *names);
            if (!q)
                break;
            names = q;
            cap = cap ? cap * 2 : 64;
        }
        names[n++] = strdup(path);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        bad |= run_one(names[i]);
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0;
    const char *env;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    env = getenv("MTL_REPLAY_NOFORK");
    nofork = env && *env && strcmp(env, "0") != 0;
    env = getenv("MTL_REPLAY_VERBOSE");
    verbose = env && *env && strcmp(env, "0") != 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("replay: no such file or directory: %s\n", argv[i]);
            bad = 1;
        } else if (S_ISDIR(st.st_mode)) {
            bad |= run_directory(argv[i]);
        } else {
            bad |= run_one(argv[i]);
        }
    }
    printf("replay: %zu inputs, %zu failed\n", inputs, failed);
    if (inputs == 0) {
        printf("replay: no inputs\n");
        bad = 1;
    }
    return bad ? 1 : 0;
}
