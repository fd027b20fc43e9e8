//go:build cgo

/*
 * The re-executed half of nsexec: a constructor that runs before the Go
 * runtime starts, while the process has one thread, so that it may join
 * any namespace (setns(2) refuses user and time namespaces to a
 * multithreaded process, and mount namespaces to one that shares its
 * filesystem attributes). doc.go describes the protocol; this file acts
 * only on a request it has checked, and never returns into Go once it has.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

#define MARKER "_NSDIVE_NSEXEC"
#define MAGIC "nsdive-nsexec/1"
#define NONCE_LEN 32
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define MAX_REQUEST (1 << 20)
#define MAX_FD (1 << 20)

/* The order nsenter joins namespaces in (util-linux's namespace_files). */
static const struct {
	int type;
	const char *name;
} order[] = {
	{CLONE_NEWUSER, "user"}, {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWIPC, "ipc"},
	{CLONE_NEWUTS, "uts"},   {CLONE_NEWNET, "net"},       {CLONE_NEWPID, "pid"},
	{CLONE_NEWNS, "mnt"},    {CLONE_NEWTIME, "time"},
};
#define NTYPES ((int)(sizeof(order) / sizeof(order[0])))
#define USER 0

struct request {
	int quiet;
	int preserve_creds;
	int nsfd[NTYPES]; /* by index in order[]; -1 when not to be joined */
	char **argv;
};

/* errfd is the error pipe to the Go parent; close-on-exec, so that the
 * parent reads end-of-file once the command runs. */
static int errfd = -1;

/* fail reports a one-line message to the Go parent through the error
 * pipe (stderr before there is one) and exits with status. */
static void fail(int status, const char *format, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, format);
	int n = vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);
	n = n < 0 ? 0 : n >= (int)sizeof(msg) ? (int)sizeof(msg) - 1 : n;
	if (errfd >= 0) {
		if (write(errfd, msg, n) < 0)
			status = status ? status : 1;
	} else {
		fprintf(stderr, "nsdive: %s\n", msg);
	}
	_exit(status);
}

/* number parses a decimal int in [0, max]; -1 when s is not one. */
static int number(const char *s, int max)
{
	long v = 0;
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return (int)v;
}

/* readRequest returns the contents of fd when it is a memfd sealed as
 * nsdive seals it and starts with MAGIC and nonce; NULL otherwise. A
 * sealed memfd is read with pread, so that a descriptor that is anything
 * else (a pipe, a terminal) is neither read nor changed. */
static char *readRequest(int fd, const char *nonce, size_t *size)
{
	struct stat st;
	if (fcntl(fd, F_GET_SEALS) != SEALS || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 1 || st.st_size > MAX_REQUEST)
		return NULL;
	char *buf = malloc(st.st_size);
	if (buf == NULL)
		return NULL;
	size_t head = strlen(MAGIC) + 1 + NONCE_LEN + 1;
	if (pread(fd, buf, st.st_size, 0) != st.st_size || buf[st.st_size - 1] != '\0' ||
	    (size_t)st.st_size < head || memcmp(buf, MAGIC, strlen(MAGIC) + 1) != 0 ||
	    memcmp(buf + strlen(MAGIC) + 1, nonce, NONCE_LEN + 1) != 0) {
		free(buf);
		return NULL;
	}
	*size = st.st_size;
	return buf;
}

/* The request's fields, each ending in a NUL, after MAGIC and the nonce:
 * the error pipe's descriptor; flags ("q" quiet, "p" preserve
 * credentials, "-" neither); the number of namespaces, then a descriptor
 * and a CLONE_NEW* type for each; the number of arguments, then the
 * arguments. */
static char *cur, *end;

static char *field(void)
{
	if (cur >= end)
		fail(1, "nsexec: the request is cut short");
	char *f = cur;
	cur += strlen(cur) + 1;
	return f;
}

static int fdField(void)
{
	char *f = field();
	int fd = number(f, MAX_FD);
	if (fd < 3 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		fail(1, "nsexec: bad descriptor %s in the request", f);
	return fd;
}

static void parseRequest(char *buf, size_t size, struct request *r)
{
	cur = buf + strlen(MAGIC) + 1 + NONCE_LEN + 1;
	end = buf + size;
	errfd = fdField();
	char *flags = field();
	r->quiet = strchr(flags, 'q') != NULL;
	r->preserve_creds = strchr(flags, 'p') != NULL;
	for (int i = 0; i < NTYPES; i++)
		r->nsfd[i] = -1;
	int nns = number(field(), NTYPES);
	if (nns < 0)
		fail(1, "nsexec: bad namespace count in the request");
	for (int n = 0; n < nns; n++) {
		int fd = fdField();
		char *type = field();
		int t = 0;
		while (t < NTYPES && order[t].type != number(type, 0x7fffffff))
			t++;
		if (t == NTYPES || r->nsfd[t] >= 0)
			fail(1, "nsexec: bad namespace type %s in the request", type);
		r->nsfd[t] = fd;
	}
	int argc = number(field(), 1 << 16);
	if (argc < 1)
		fail(1, "nsexec: no command in the request");
	r->argv = calloc(argc + 1, sizeof(char *));
	if (r->argv == NULL)
		fail(1, "nsexec: out of memory");
	for (int i = 0; i < argc; i++)
		r->argv[i] = field();
}

/* join joins the requested namespaces as nsenter does, in two passes:
 * first every namespace but the user namespace, skipping those the
 * kernel refuses, then the user namespace and what was skipped. Root
 * thus joins the user namespace last, and a process that needs the
 * target's user namespace for privilege over the others gets it first.
 * It returns the CLONE_NEW* types joined. */
static int join(struct request *r)
{
	int joined = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = pass ? 0 : 1; i < NTYPES; i++) {
			if (r->nsfd[i] < 0)
				continue;
			if (order[i].type == CLONE_NEWNS && unshare(CLONE_FS) != 0)
				fail(1, "unshare(CLONE_FS) before joining the mount namespace: %s", strerror(errno));
			if (setns(r->nsfd[i], order[i].type) != 0) {
				if (pass == 0)
					continue;
				int e = errno;
				fail(1, "join the %s namespace: %s%s", order[i].name, strerror(e),
				     e == EPERM ? ": run as root" : "");
			}
			close(r->nsfd[i]);
			r->nsfd[i] = -1;
			joined |= order[i].type;
		}
	}
	return joined;
}

static volatile pid_t child;

/* relay passes on a signal that a process sent (kill(1), a supervisor),
 * not one the terminal sent to the whole foreground process group, which
 * the child got too. */
static void relay(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (child > 0 && info->si_code <= 0)
		kill(child, sig);
}

static const int relayed[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
#define NRELAYED ((int)(sizeof(relayed) / sizeof(relayed[0])))

/* continueAsChild forks so that the command is in the joined pid
 * namespace (setns changes only the namespace of children), as nsenter
 * does: the parent waits, stops when the child stops, relays signals, and
 * exits as the child did. Only the child returns. */
static void continueAsChild(void)
{
	sigset_t block, old;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = relay;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (int i = 0; i < NRELAYED; i++) {
		sigaddset(&block, relayed[i]);
		sigaction(relayed[i], &sa, NULL);
	}
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid < 0)
		fail(1, "fork into the pid namespace: %s", strerror(errno));
	if (pid == 0) {
		for (int i = 0; i < NRELAYED; i++)
			signal(relayed[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	child = pid;
	close(errfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	int status;
	for (;;) {
		pid_t got = waitpid(pid, &status, WUNTRACED);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			_exit(1);
		if (!WIFSTOPPED(status))
			break;
		kill(getpid(), SIGSTOP);
		kill(pid, SIGCONT);
	}
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	int sig = WTERMSIG(status);
	signal(sig, SIG_DFL);
	sigemptyset(&block);
	sigaddset(&block, sig);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	kill(getpid(), sig);
	_exit(128 + sig);
}

/* lookup finds the command as execvp(3) would, in PATH ("/bin:/usr/bin"
 * when unset), in the mount namespace the process is in now. */
static char *lookup(const char *name, int mnt)
{
	if (strchr(name, '/') != NULL)
		return strdup(name);
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (const char *dir = path;; dir++) {
		const char *colon = strchrnul(dir, ':');
		char *candidate;
		int dirlen = (int)(colon - dir);
		if (asprintf(&candidate, "%.*s%s%s", dirlen, dir, dirlen ? "/" : "", name) < 0)
			fail(1, "nsexec: out of memory");
		struct stat st;
		if (access(candidate, X_OK) == 0 && stat(candidate, &st) == 0 && S_ISREG(st.st_mode))
			return candidate;
		free(candidate);
		if (*colon == '\0')
			break;
		dir = colon;
	}
	fail(127, "%s: command not found%s", name, mnt ? " in the target's mount namespace" : "");
	return NULL;
}

static void enter(struct request *r)
{
	int setgroupsErrors = 0;
	int user = r->nsfd[USER] >= 0;
	/* As nsenter: drop supplementary groups before joining and again
	 * after, and fail only when both fail (a user namespace whose
	 * setgroups is "deny" refuses the second). */
	if (user && !r->preserve_creds && setgroups(0, NULL) != 0)
		setgroupsErrors++;
	int joined = join(r);
	if (joined & CLONE_NEWPID)
		continueAsChild();
	if (user && !r->preserve_creds) {
		if (setgroups(0, NULL) != 0 && setgroupsErrors)
			fail(1, "setgroups in the user namespace: %s: use --preserve-credentials", strerror(errno));
		if (setgid(0) != 0)
			fail(1, "setgid 0 in the user namespace: %s: map gid 0 or use --preserve-credentials", strerror(errno));
		if (setuid(0) != 0)
			fail(1, "setuid 0 in the user namespace: %s: map uid 0 or use --preserve-credentials", strerror(errno));
	}
	int mnt = (joined & CLONE_NEWNS) != 0;
	char *path = lookup(r->argv[0], mnt);
	if (mnt && !r->quiet) {
		/* Name the file a symbolic link leads to as well: /bin/sh may
		 * be busybox, or anything the target's owner chose. */
		char *real = realpath(path, NULL);
		if (real != NULL && strcmp(real, path) != 0)
			fprintf(stderr, "# running %s (%s) from the target's mount namespace\n", path, real);
		else
			fprintf(stderr, "# running %s from the target's mount namespace\n", path);
		free(real);
	}
	execv(path, r->argv);
	int e = errno;
	fail(e == ENOENT ? 127 : 126, "run %s: %s", path, strerror(e));
}

/* nsexec runs before main when the binary is started, and acts only when
 * MARKER names a sealed memfd holding a request that starts with MAGIC
 * and the nonce MARKER gives. It removes MARKER from the environment
 * either way, so the command and anything it starts never see it. */
__attribute__((constructor)) static void nsexec(void)
{
	const char *value = getenv(MARKER);
	if (value == NULL)
		return;
	char copy[64] = "";
	if (strlen(value) < sizeof(copy))
		strcpy(copy, value);
	unsetenv(MARKER);
	char *colon = strchr(copy, ':');
	size_t size = 0;
	char *buf = NULL;
	if (colon != NULL) {
		*colon = '\0';
		int fd = number(copy, MAX_FD);
		if (fd >= 0 && strlen(colon + 1) == NONCE_LEN)
			buf = readRequest(fd, colon + 1, &size);
		if (buf != NULL)
			close(fd);
	}
	if (buf == NULL) {
		fprintf(stderr, "nsdive: ignoring %s: it was not set by nsdive\n", MARKER);
		return;
	}
	struct request r;
	parseRequest(buf, size, &r);
	enter(&r);
}
