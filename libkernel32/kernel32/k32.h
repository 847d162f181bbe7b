// kernel32 internals shared by its area files. Windows-visible functions keep their Windows names
// and live in namespace winrun::k32; helpers are snake_case.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "wintypes.h"

namespace winrun::csrss {
class Session;
}

namespace winrun::k32 {
using namespace winrun::win;

// ---- errors (error.cpp) -----------------------------------------------------------------------
// winerror.h codes used across kernel32 and msvcrt.
constexpr DWORD ERROR_SUCCESS = 0, ERROR_INVALID_FUNCTION = 1, ERROR_FILE_NOT_FOUND = 2, ERROR_PATH_NOT_FOUND = 3,
                ERROR_TOO_MANY_OPEN_FILES = 4, ERROR_ACCESS_DENIED = 5, ERROR_INVALID_HANDLE = 6,
                ERROR_NOT_ENOUGH_MEMORY = 8, ERROR_INVALID_DATA = 13, ERROR_OUTOFMEMORY = 14,
                ERROR_INVALID_DRIVE = 15, ERROR_NOT_SAME_DEVICE = 17, ERROR_NO_MORE_FILES = 18,
                ERROR_WRITE_PROTECT = 19, ERROR_NOT_READY = 21, ERROR_SHARING_VIOLATION = 32,
                ERROR_LOCK_VIOLATION = 33, ERROR_HANDLE_EOF = 38, ERROR_NOT_SUPPORTED = 50, ERROR_FILE_EXISTS = 80,
                ERROR_INVALID_PARAMETER = 87, ERROR_BROKEN_PIPE = 109, ERROR_DISK_FULL = 112,
                ERROR_CALL_NOT_IMPLEMENTED = 120, ERROR_INSUFFICIENT_BUFFER = 122, ERROR_INVALID_NAME = 123,
                ERROR_MOD_NOT_FOUND = 126, ERROR_PROC_NOT_FOUND = 127, ERROR_DIR_NOT_EMPTY = 145,
                ERROR_BAD_PATHNAME = 161, ERROR_BUSY = 170, ERROR_ALREADY_EXISTS = 183, ERROR_ENVVAR_NOT_FOUND = 203,
                ERROR_FILENAME_EXCED_RANGE = 206, ERROR_MORE_DATA = 234, ERROR_NO_MORE_ITEMS = 259,
                ERROR_DIRECTORY = 267, ERROR_BUFFER_OVERFLOW = 111, ERROR_NO_DATA = 232, ERROR_IO_INCOMPLETE = 996, ERROR_INVALID_ADDRESS = 487, ERROR_NO_UNICODE_TRANSLATION = 1113,
                ERROR_INVALID_FLAGS = 1004, ERROR_NOT_FOUND = 1168, ERROR_NEGATIVE_SEEK = 131,
                ERROR_SEEK_ON_DEVICE = 132, ERROR_INVALID_USER_BUFFER = 1784, ERROR_IO_PENDING = 997,
                ERROR_NOACCESS = 998, ERROR_BAD_EXE_FORMAT = 193, ERROR_CANT_RESOLVE_FILENAME = 1921, ERROR_TOO_MANY_LINKS = 1142;

// Processors online, 1..64 (one processor group), read once per process (computer.cpp).
int online_processor_count();

inline void set_last_error(DWORD e) { current_teb()->LastErrorValue = e; }
inline DWORD get_last_error() { return current_teb()->LastErrorValue; }
inline DWORD last_error() { return current_teb()->LastErrorValue; }
// The Windows error code for a Linux errno (one table, error.cpp).
DWORD error_from_errno(int err);
// Sets the last error from errno and returns FALSE: `return fail_errno();`
BOOL fail_errno();
inline BOOL fail(DWORD e) {
    set_last_error(e);
    return FALSE;
}

// ---- handles (handle.cpp) ---------------------------------------------------------------------
// Handle values are multiples of 4, as on Windows. Pseudo-handles: -1 current process,
// -2 current thread. Lock rule: the table has its own mutex; objects are shared_ptr so that a
// handle closed by one thread stays alive for a call in progress on another.
enum class ObjectKind { File, Process, Thread, Event, Mutex, Semaphore, Timer, CompletionPort, Console, Other };

struct KObject {
    explicit KObject(ObjectKind k) : kind(k) {}
    virtual ~KObject() = default;
    // Called (outside the handle table's lock) when the last handle to the object is closed, even
    // though calls in progress may still hold references (a completion port releases its waiters).
    virtual void last_handle_closed() {}
    ObjectKind kind;
    std::atomic<int> handle_count{0};  // handles in the table that refer to this object
};

struct FileObject : KObject {
    FileObject() : KObject(ObjectKind::File) {}
    ~FileObject() override;
    int fd = -1;
    DWORD access = 0;
    DWORD share = 0;
    DWORD flags = 0;            // FILE_FLAG_* / FILE_ATTRIBUTE_*
    bool append_only = false;   // FILE_APPEND_DATA without FILE_WRITE_DATA
    bool is_directory = false;
    std::string linux_path;     // for GetFinalPathNameByHandle / delete-on-close
    // A directory's listing being read with GetFileInformationByHandleEx (file_info.cpp).
    std::shared_ptr<struct DirectoryListing> listing;
    bool share_tracked = false; // registered in the sharing table (file.cpp)
    uint64_t dev = 0, ino = 0;
    bool had_locks = false;     // LockFile was used: forget its ranges when the object goes (file_lock.cpp)
    // S_IFMT bits of the fd, 0 until first needed (an fd never changes type). Atomic: any thread may fill it.
    std::atomic<uint32_t> file_type{0};
    uint32_t type() {
        uint32_t t = file_type.load(std::memory_order_relaxed);
        if (!t) {
            struct stat st;
            if (fstat(fd, &st) != 0) return 0;
            t = st.st_mode & S_IFMT;
            file_type.store(t, std::memory_order_relaxed);
        }
        return t;
    }
    // CreateIoCompletionPort association (completion_port.cpp); set once, never changed.
    std::weak_ptr<KObject> completion_port;
    ULONG_PTR completion_key = 0;
};
constexpr DWORD FILE_ATTRIBUTE_READONLY = 0x1, FILE_ATTRIBUTE_HIDDEN = 0x2, FILE_ATTRIBUTE_DIRECTORY = 0x10,
                FILE_ATTRIBUTE_ARCHIVE = 0x20, FILE_ATTRIBUTE_NORMAL = 0x80;
// is_link: the name is a symbolic link (st describes its target): it shows as a reparse point.
DWORD attributes_of(const std::string& linux_path, const struct stat& st, bool is_link = false);
// Whether the name itself (not what it points to) is a symbolic link.
bool is_symlink(const std::string& linux_path);
constexpr DWORD FILE_ATTRIBUTE_REPARSE_POINT = 0x400, IO_REPARSE_TAG_SYMLINK = 0xA000000C;
// Sharing modes (file.cpp): forgets an open when its last handle closes.
void share_release(FileObject* f);
void forget_file_locks(const FileObject* f);

inline HANDLE const PSEUDO_PROCESS = reinterpret_cast<HANDLE>(-1LL);
inline HANDLE const PSEUDO_THREAD = reinterpret_cast<HANDLE>(-2LL);

HANDLE handle_alloc(std::shared_ptr<KObject> obj, bool inherit = false);
std::shared_ptr<KObject> handle_get(HANDLE h);
std::shared_ptr<FileObject> file_from_handle(HANDLE h);  // sets ERROR_INVALID_HANDLE when not a file
bool handle_close(HANDLE h);
// Inheritance (CreateProcess with bInheritHandles): the handles marked inheritable, and placing an
// inherited object at the parent's value in the child (the next free value when that one is taken).
std::vector<std::pair<HANDLE, std::shared_ptr<KObject>>> inheritable_handles();
HANDLE handle_alloc_at(HANDLE want, std::shared_ptr<KObject> obj, bool inherit);
// Installs the handles the parent passed down (WINRUN_INHERIT; create_process.cpp). Once, at start.
void install_inherited_handles();
// A handle for an inherited Linux fd (std handles).
HANDLE handle_for_fd(int fd);

// STARTUPINFOW (STARTUPINFOA has the same layout: only its string pointers differ in type).
struct STARTUPINFOW {
    DWORD cb;
    LPWSTR lpReserved, lpDesktop, lpTitle;
    DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
    WORD wShowWindow, cbReserved2;
    BYTE* lpReserved2;
    HANDLE hStdInput, hStdOutput, hStdError;
};
static_assert(sizeof(STARTUPINFOW) == 104);

struct PROCESS_INFORMATION {
    HANDLE hProcess, hThread;
    DWORD dwProcessId, dwThreadId;
};
static_assert(sizeof(PROCESS_INFORMATION) == 24);
static_assert(offsetof(STARTUPINFOW, hStdInput) == 80);

// ---- process state (process.cpp) --------------------------------------------------------------
struct ProcessStart {
    std::u16string command_line;   // as GetCommandLineW returns it
    std::u16string image_path;     // Windows path of the EXE
    std::string exit_code_file;    // --exit-code-file
    uint32_t pid = 0, tid = 0;     // from csrssd; 0 when running without a session
};
// Builds PEB, process parameters, main-thread TEB (gs), std handles, heap. Called once, first.
void init_process(const ProcessStart& start, void* stack_base, void* stack_limit);
[[noreturn]] void exit_process(UINT code);
// The csrssd session of this process (null when winrun runs without one: --check, or no daemon).
csrss::Session* session();
void set_session(csrss::Session* s);
void write_exit_code_file(UINT code);
// Number of Windows threads alive in this process (1 until issue 4 brings CreateThread).
extern std::atomic<int> g_thread_count;
uint32_t current_process_id();
constexpr DWORD STILL_ACTIVE = 259;  // the exit code of a process or thread that is still running
char* command_line_a();
char16_t* command_line_w();
uint32_t current_thread_id();

// ---- console control events (console_ctrl.cpp)
BOOL WINAPI SetConsoleCtrlHandler(BOOL(WINAPI* handler)(DWORD), BOOL add);
// An event from the console (conhost): runs the handlers on a new thread, or the default action.
void deliver_console_ctrl_event(DWORD event);

// ---- console handles (console.cpp): CONIN$/CONOUT$ and the std handles of a console process.
bool is_console_handle(HANDLE h);
BOOL console_read_file(HANDLE h, void* buf, DWORD n, DWORD* read);
BOOL console_write_file(HANDLE h, const void* buf, DWORD n, DWORD* written);
// CreateFile on "CONIN$", "CONOUT$" or "CON": a console handle (starting a headless conhost when the
// process has no console). Returns false when the name is not a console name.
bool console_create_file(std::u16string_view name, DWORD access, HANDLE& out);

// ---- code pages (nls.cpp) ---------------------------------------------------------------------
UINT ansi_code_page();
UINT oem_code_page();
// Start-up only (activeCodePage of the manifest): sets the ANSI code page, then the ANSI command
// line is converted again with it.
void set_ansi_code_page(UINT cp);
void refresh_ansi_command_line();
// Narrow string in the ANSI code page -> UTF-16, and back (used by every *A function).
std::u16string ansi_to_wide(const char* s, size_t n = std::string::npos);
std::string wide_to_ansi(std::u16string_view w);
// The same for file names in the *A file functions: ANSI, or OEM after SetFileApisToOEM.
std::u16string file_to_wide(const char* s, size_t n = std::string::npos);
std::string wide_to_file(std::u16string_view w);

// ---- FILETIME (time.cpp): 100 ns units since 1601-01-01 UTC.
FILETIME filetime_of(const struct timespec& t);
struct timespec timespec_of(const FILETIME& ft);
uint64_t filetime_value(const FILETIME& ft);

// ---- paths (directory.cpp): Win32 normalisation of a path against the current directory.
std::u16string full_path_name(std::u16string_view in);

// ---- KUSER_SHARED_DATA at 0x7FFE0000 (user_shared_data.cpp): mapped by init_process; its clocks
// are kept current from the first LoadLibrary on.
void init_user_shared_data();
void start_user_shared_clock();

// ---- heaps (heap.cpp) -------------------------------------------------------------------------
HANDLE process_heap();

}  // namespace winrun::k32
