/* Named events, mutexes and semaphores shared between processes: the program starts itself as a
 * child that opens the parent's objects by name. Covers ERROR_ALREADY_EXISTS, type mismatches
 * (ERROR_INVALID_HANDLE), opening a missing name (ERROR_FILE_NOT_FOUND), waits across processes
 * (also mixed with a local event in WaitForMultipleObjects), and a mutex abandoned by a child that
 * exits or is terminated while owning it (WAIT_ABANDONED in the parent). */
#include "ok.h"

static char self[MAX_PATH];
static char ev_name[64], mx_name[64], sem_name[64], go_name[64], owned_name[64];

static void make_names(DWORD tag) {
    snprintf(ev_name, sizeof ev_name, "Local\\wr_named_ev_%lu", tag);
    snprintf(mx_name, sizeof mx_name, "wr_named_mx_%lu", tag);
    snprintf(sem_name, sizeof sem_name, "Local\\wr_named_sem_%lu", tag);
    snprintf(go_name, sizeof go_name, "wr_named_go_%lu", tag);
    snprintf(owned_name, sizeof owned_name, "wr_named_owned_%lu", tag);
}

static HANDLE start_child(const char *mode, DWORD tag) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" child %s %lu", self, mode, tag);
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

/* Child: exit code = number of failed expectations (bit per check). */
static int child(const char *mode, DWORD tag) {
    make_names(tag);
    int bad = 0;
    if (!strcmp(mode, "share")) {
        /* The bare name and Local\ are the same object. */
        char bare[64];
        snprintf(bare, sizeof bare, "wr_named_ev_%lu", tag);
        HANDLE ev = OpenEventA(EVENT_ALL_ACCESS, FALSE, bare);
        if (!ev) bad |= 1;
        SetLastError(0xdeadbeef);
        HANDLE ev2 = CreateEventA(NULL, FALSE, FALSE, ev_name);
        if (!ev2 || GetLastError() != ERROR_ALREADY_EXISTS) bad |= 2;
        SetLastError(0xdeadbeef);
        if (OpenMutexA(SYNCHRONIZE, FALSE, ev_name) || GetLastError() != ERROR_INVALID_HANDLE) bad |= 4;
        HANDLE sem = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, sem_name);
        if (!sem || !ReleaseSemaphore(sem, 2, NULL)) bad |= 8;
        HANDLE go = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, go_name);
        if (!go) bad |= 16;
        if (!SetEvent(ev)) bad |= 32;
        /* Block until the parent signals "go" (a wait across processes). */
        if (WaitForSingleObject(go, 10000) != WAIT_OBJECT_0) bad |= 64;
        return bad;
    }
    if (!strcmp(mode, "own") || !strcmp(mode, "own_kill")) {
        HANDLE mx = OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, mx_name);
        HANDLE owned = OpenEventA(EVENT_MODIFY_STATE, FALSE, owned_name);
        if (!mx || !owned) return 1;
        if (WaitForSingleObject(mx, 10000) != WAIT_OBJECT_0) return 2;
        SetEvent(owned);
        if (!strcmp(mode, "own_kill")) Sleep(INFINITE); /* the parent terminates us */
        return 0; /* exits while owning the mutex */
    }
    return 99;
}

static DWORD WINAPI take_and_exit(void *mutex) {
    return WaitForSingleObject((HANDLE)mutex, 5000) == WAIT_OBJECT_0 ? 0 : 1;  /* ends owning it */
}

/* A thread that ends owning a mutex abandons it (unnamed and named alike). */
static void test_thread_abandons(HANDLE mx, const char *what) {
    HANDLE th = CreateThread(NULL, 0, take_and_exit, mx, 0, NULL);
    DWORD code = 1;
    ok(WaitForSingleObject(th, 5000) == WAIT_OBJECT_0 && GetExitCodeThread(th, &code) && code == 0,
       "%s: thread did not take the mutex\n", what);
    CloseHandle(th);
    DWORD r = WaitForSingleObject(mx, 2000);
    ok(r == WAIT_ABANDONED, "%s: after its owner thread ended: %#lx\n", what, r);
    r = WaitForSingleObject(mx, 0);
    ok(r == WAIT_OBJECT_0, "%s: second acquire: %#lx\n", what, r);
    ok(ReleaseMutex(mx) && ReleaseMutex(mx), "%s: ReleaseMutex twice\n", what);
    SetLastError(0xdeadbeef);
    ok(!ReleaseMutex(mx) && GetLastError() == ERROR_NOT_OWNER, "%s: third release: %lu\n", what, GetLastError());
}

int main(int argc, char **argv) {
    if (argc > 3 && !strcmp(argv[1], "child")) return child(argv[2], strtoul(argv[3], NULL, 10));
    winetest_init("k32_named_objects", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);
    DWORD tag = GetCurrentProcessId();
    make_names(tag);
    DWORD code;

    /* Within the process first. */
    SetLastError(0xdeadbeef);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, ev_name);
    ok(ev && GetLastError() == 0, "CreateEvent: %p, error %lu\n", ev, GetLastError());
    SetLastError(0xdeadbeef);
    HANDLE ev_again = CreateEventA(NULL, TRUE, TRUE, ev_name);
    ok(ev_again && GetLastError() == ERROR_ALREADY_EXISTS, "second CreateEvent: error %lu\n", GetLastError());
    ok(WaitForSingleObject(ev_again, 0) == WAIT_TIMEOUT, "the existing event's state changed\n");
    CloseHandle(ev_again);
    SetLastError(0xdeadbeef);
    ok(!CreateMutexA(NULL, FALSE, ev_name) && GetLastError() == ERROR_INVALID_HANDLE,
       "CreateMutex on an event's name: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CreateSemaphoreA(NULL, 0, 1, ev_name) && GetLastError() == ERROR_INVALID_HANDLE,
       "CreateSemaphore on an event's name: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!OpenEventA(SYNCHRONIZE, FALSE, "wr_named_no_such_object") && GetLastError() == ERROR_FILE_NOT_FOUND,
       "OpenEvent of a missing name: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!OpenMutexA(SYNCHRONIZE, FALSE, "wr_named_no_such_object") && GetLastError() == ERROR_FILE_NOT_FOUND,
       "OpenMutex of a missing name: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!OpenSemaphoreA(SYNCHRONIZE, FALSE, "wr_named_no_such_object") && GetLastError() == ERROR_FILE_NOT_FOUND,
       "OpenSemaphore of a missing name: error %lu\n", GetLastError());

    HANDLE unnamed_mx = CreateMutexA(NULL, FALSE, NULL);
    test_thread_abandons(unnamed_mx, "unnamed mutex");
    CloseHandle(unnamed_mx);
    char thread_mx_name[64];
    snprintf(thread_mx_name, sizeof thread_mx_name, "wr_named_thread_mx_%lu", tag);
    HANDLE named_mx = CreateMutexA(NULL, FALSE, thread_mx_name);
    test_thread_abandons(named_mx, "named mutex");
    CloseHandle(named_mx);

    /* A name goes away with its last handle. */
    HANDLE tmp = CreateEventA(NULL, FALSE, FALSE, "wr_named_tmp_object");
    CloseHandle(tmp);
    SetLastError(0xdeadbeef);
    ok(!OpenEventA(SYNCHRONIZE, FALSE, "wr_named_tmp_object") && GetLastError() == ERROR_FILE_NOT_FOUND,
       "a closed name still opens: error %lu\n", GetLastError());

    HANDLE sem = CreateSemaphoreA(NULL, 0, 10, sem_name);
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, go_name);
    ok(sem && go, "CreateSemaphore/CreateEvent failed %lu\n", GetLastError());
    HANDLE local = CreateEventA(NULL, TRUE, FALSE, NULL);

    /* The child opens them by name, posts the semaphore twice, sets the event, waits for "go". */
    HANDLE child_proc = start_child("share", tag);
    ok(child_proc != NULL, "CreateProcess failed %lu\n", GetLastError());
    HANDLE pair[2] = {local, ev};
    DWORD r = WaitForMultipleObjects(2, pair, FALSE, 10000);
    ok(r == WAIT_OBJECT_0 + 1, "wait for the child's SetEvent (local + shared): %lu\n", r);
    ok(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT, "auto-reset shared event still signaled\n");
    ok(WaitForSingleObject(sem, 5000) == WAIT_OBJECT_0, "first semaphore count\n");
    ok(WaitForSingleObject(sem, 5000) == WAIT_OBJECT_0, "second semaphore count\n");
    ok(WaitForSingleObject(sem, 0) == WAIT_TIMEOUT, "third semaphore count\n");
    LONG prev = -1;
    ok(ReleaseSemaphore(sem, 10, &prev) && prev == 0, "ReleaseSemaphore to the max: prev %ld\n", prev);
    SetLastError(0xdeadbeef);
    ok(!ReleaseSemaphore(sem, 1, &prev) && GetLastError() == ERROR_TOO_MANY_POSTS, "past the max: %lu\n", GetLastError());
    ok(WaitForSingleObject(child_proc, 200) == WAIT_TIMEOUT, "the child did not wait for go\n");
    SetEvent(go);
    ok(WaitForSingleObject(child_proc, 10000) == WAIT_OBJECT_0, "child did not end after go\n");
    GetExitCodeProcess(child_proc, &code);
    ok(code == 0, "child checks failed: mask %#lx\n", code);
    CloseHandle(child_proc);

    /* Abandoned: the child takes the mutex and exits while owning it. */
    HANDLE mx = CreateMutexA(NULL, TRUE, mx_name);
    HANDLE owned = CreateEventA(NULL, FALSE, FALSE, owned_name);
    ok(mx && owned, "CreateMutex failed %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    HANDLE mx2 = CreateMutexA(NULL, TRUE, mx_name);
    ok(mx2 && GetLastError() == ERROR_ALREADY_EXISTS, "second CreateMutex: %lu\n", GetLastError());
    ok(ReleaseMutex(mx), "ReleaseMutex (created owned)\n");
    /* The second CreateMutex did not take it: one release only. */
    SetLastError(0xdeadbeef);
    ok(!ReleaseMutex(mx2) && GetLastError() == ERROR_NOT_OWNER, "second release: %lu\n", GetLastError());
    CloseHandle(mx2);
    child_proc = start_child("own", tag);
    ok(WaitForSingleObject(owned, 10000) == WAIT_OBJECT_0, "child did not take the mutex\n");
    ok(WaitForSingleObject(child_proc, 10000) == WAIT_OBJECT_0, "child did not end\n");
    GetExitCodeProcess(child_proc, &code);
    ok(code == 0, "child 'own' failed: %lu\n", code);
    CloseHandle(child_proc);
    r = WaitForSingleObject(mx, 5000);
    ok(r == WAIT_ABANDONED, "mutex after its owner exited: %#lx\n", r);
    r = WaitForSingleObject(mx, 0);
    ok(r == WAIT_OBJECT_0, "recursive acquire after abandonment: %#lx\n", r);
    ok(ReleaseMutex(mx) && ReleaseMutex(mx), "ReleaseMutex twice\n");

    /* The same with a child that is terminated while the parent waits for the mutex. */
    child_proc = start_child("own_kill", tag);
    ok(WaitForSingleObject(owned, 10000) == WAIT_OBJECT_0, "child did not take the mutex (kill)\n");
    ok(WaitForSingleObject(mx, 100) == WAIT_TIMEOUT, "mutex owned by the child is free\n");
    ok(TerminateProcess(child_proc, 0x1234), "TerminateProcess failed %lu\n", GetLastError());
    r = WaitForSingleObject(mx, 10000);
    ok(r == WAIT_ABANDONED, "mutex after its owner was terminated: %#lx\n", r);
    ok(ReleaseMutex(mx), "ReleaseMutex after abandonment\n");
    WaitForSingleObject(child_proc, 10000);
    CloseHandle(child_proc);

    CloseHandle(mx);
    CloseHandle(owned);
    CloseHandle(ev);
    CloseHandle(sem);
    CloseHandle(go);
    CloseHandle(local);
    return winetest_done();
}
