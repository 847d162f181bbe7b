// Windows types as Windows defines them (LLP64): LONG/DWORD are 32-bit, WCHAR is char16_t.
// Never use Linux `long` or `wchar_t` in a structure that Windows code sees.
// Layouts and offsets below are the documented x64 ones (Microsoft docs, winternl.h, and the
// public PDB-derived layouts of TEB/PEB); every structure that crosses the ABI has static_asserts.
#pragma once
#include <cstddef>
#include <cstdint>

// Every builtin DLL function is called by Windows code with the Microsoft x64 convention.
#define WINAPI __attribute__((ms_abi))
#define CDECL __attribute__((ms_abi))

namespace winrun::win {

using BYTE = uint8_t;
using WORD = uint16_t;
using DWORD = uint32_t;
using LONG = int32_t;
using ULONG = uint32_t;
using USHORT = uint16_t;
using UINT = uint32_t;
using INT = int32_t;
using BOOL = int32_t;
using BOOLEAN = uint8_t;
using LONGLONG = int64_t;
using ULONGLONG = uint64_t;
using DWORD64 = uint64_t;
using ULONG_PTR = uint64_t;
using LONG_PTR = int64_t;
using SIZE_T = uint64_t;
using SSIZE_T = int64_t;
using WCHAR = char16_t;
using CHAR = char;
using NTSTATUS = int32_t;
using HANDLE = void*;
using HMODULE = void*;
using LPVOID = void*;
using LPCVOID = const void*;
using LPSTR = char*;
using LPCSTR = const char*;
using LPWSTR = WCHAR*;
using LPCWSTR = const WCHAR*;
using FARPROC = void*;
using LCID = uint32_t;

constexpr BOOL TRUE = 1;
constexpr BOOL FALSE = 0;
inline HANDLE const INVALID_HANDLE_VALUE = reinterpret_cast<HANDLE>(-1LL);

struct LIST_ENTRY {
    LIST_ENTRY* Flink;
    LIST_ENTRY* Blink;
};
static_assert(sizeof(LIST_ENTRY) == 16);

struct UNICODE_STRING {
    USHORT Length;         // bytes, without terminator
    USHORT MaximumLength;  // bytes
    WCHAR* Buffer;
};
static_assert(sizeof(UNICODE_STRING) == 16 && offsetof(UNICODE_STRING, Buffer) == 8);

struct FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
};

struct SYSTEMTIME {
    WORD wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds;
};
static_assert(sizeof(SYSTEMTIME) == 16);

union LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
};
union ULARGE_INTEGER {
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    uint64_t QuadPart;
};
static_assert(sizeof(ULARGE_INTEGER) == 8);

// ---------------------------------------------------------------------------------------------
// Critical sections: the layout is public (winnt.h RTL_CRITICAL_SECTION) and programs and the mingw
// CRT embed them in their own structures, so ours must be exactly 40 bytes.
struct RTL_CRITICAL_SECTION_DEBUG;
struct RTL_CRITICAL_SECTION {
    RTL_CRITICAL_SECTION_DEBUG* DebugInfo;
    LONG LockCount;       // -1 when free (Windows convention); we keep it as a futex word: see sync.cpp
    LONG RecursionCount;
    HANDLE OwningThread;  // thread id of the owner (Windows stores the TID here)
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
};
static_assert(sizeof(RTL_CRITICAL_SECTION) == 40);
static_assert(offsetof(RTL_CRITICAL_SECTION, OwningThread) == 16);

// ---------------------------------------------------------------------------------------------
// Loader structures (winternl.h / ntdef; x64 offsets).
struct PEB_LDR_DATA {
    ULONG Length;
    BOOLEAN Initialized;
    void* SsHandle;
    LIST_ENTRY InLoadOrderModuleList;
    LIST_ENTRY InMemoryOrderModuleList;
    LIST_ENTRY InInitializationOrderModuleList;
    void* EntryInProgress;
    BOOLEAN ShutdownInProgress;
    HANDLE ShutdownThreadId;
};
static_assert(offsetof(PEB_LDR_DATA, InLoadOrderModuleList) == 0x10);
static_assert(offsetof(PEB_LDR_DATA, InMemoryOrderModuleList) == 0x20);
static_assert(offsetof(PEB_LDR_DATA, InInitializationOrderModuleList) == 0x30);
static_assert(sizeof(PEB_LDR_DATA) == 0x58);

struct LDR_DATA_TABLE_ENTRY {
    LIST_ENTRY InLoadOrderLinks;
    LIST_ENTRY InMemoryOrderLinks;
    LIST_ENTRY InInitializationOrderLinks;
    void* DllBase;
    void* EntryPoint;
    ULONG SizeOfImage;
    UNICODE_STRING FullDllName;
    UNICODE_STRING BaseDllName;
    ULONG Flags;
    USHORT ObsoleteLoadCount;
    USHORT TlsIndex;
    LIST_ENTRY HashLinks;
    ULONG TimeDateStamp;
};
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, DllBase) == 0x30);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, EntryPoint) == 0x38);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, SizeOfImage) == 0x40);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, FullDllName) == 0x48);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, BaseDllName) == 0x58);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, Flags) == 0x68);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, HashLinks) == 0x70);
static_assert(offsetof(LDR_DATA_TABLE_ENTRY, TimeDateStamp) == 0x80);

struct CURDIR {
    UNICODE_STRING DosPath;
    HANDLE Handle;
};

struct RTL_USER_PROCESS_PARAMETERS {
    ULONG MaximumLength;
    ULONG Length;
    ULONG Flags;
    ULONG DebugFlags;
    HANDLE ConsoleHandle;
    ULONG ConsoleFlags;
    HANDLE StandardInput;
    HANDLE StandardOutput;
    HANDLE StandardError;
    CURDIR CurrentDirectory;
    UNICODE_STRING DllPath;
    UNICODE_STRING ImagePathName;
    UNICODE_STRING CommandLine;
    WCHAR* Environment;
    ULONG StartingX, StartingY, CountX, CountY, CountCharsX, CountCharsY, FillAttribute;
    ULONG WindowFlags;
    ULONG ShowWindowFlags;
    UNICODE_STRING WindowTitle;
    UNICODE_STRING DesktopInfo;
    UNICODE_STRING ShellInfo;
    UNICODE_STRING RuntimeData;
    BYTE CurrentDirectories[32 * 0x18];
    ULONG_PTR EnvironmentSize;
};
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, StandardInput) == 0x20);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, CurrentDirectory) == 0x38);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, ImagePathName) == 0x60);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine) == 0x70);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, Environment) == 0x80);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, WindowFlags) == 0xA4);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, WindowTitle) == 0xB0);
static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, EnvironmentSize) == 0x3F0);

// PEB: only the fields we fill are named; the rest is padding so that offsets match x64 Windows 10.
struct PEB {
    BOOLEAN InheritedAddressSpace;      // 0x00
    BOOLEAN ReadImageFileExecOptions;   // 0x01
    BOOLEAN BeingDebugged;              // 0x02
    BYTE BitField;                      // 0x03
    BYTE pad0[4];
    HANDLE Mutant;                                   // 0x08
    void* ImageBaseAddress;                          // 0x10
    PEB_LDR_DATA* Ldr;                               // 0x18
    RTL_USER_PROCESS_PARAMETERS* ProcessParameters;  // 0x20
    void* SubSystemData;                             // 0x28
    HANDLE ProcessHeap;                              // 0x30
    RTL_CRITICAL_SECTION* FastPebLock;               // 0x38
    BYTE pad1[0xB8 - 0x40];
    ULONG NumberOfProcessors;  // 0xB8
    ULONG NtGlobalFlag;        // 0xBC
    BYTE pad2[0x118 - 0xC0];
    ULONG OSMajorVersion;   // 0x118
    ULONG OSMinorVersion;   // 0x11C
    USHORT OSBuildNumber;   // 0x120
    USHORT OSCSDVersion;    // 0x122
    ULONG OSPlatformId;     // 0x124
    ULONG ImageSubsystem;   // 0x128
    ULONG ImageSubsystemMajorVersion;  // 0x12C
    ULONG ImageSubsystemMinorVersion;  // 0x130
    BYTE pad3[0x7C8 - 0x134];
};
static_assert(offsetof(PEB, Ldr) == 0x18);
static_assert(offsetof(PEB, ProcessParameters) == 0x20);
static_assert(offsetof(PEB, ProcessHeap) == 0x30);
static_assert(offsetof(PEB, NumberOfProcessors) == 0xB8);
static_assert(offsetof(PEB, OSMajorVersion) == 0x118);
static_assert(offsetof(PEB, OSBuildNumber) == 0x120);
static_assert(sizeof(PEB) == 0x7C8);

struct CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
};

constexpr int TLS_MINIMUM_AVAILABLE = 64;
constexpr int TLS_EXPANSION_SLOTS = 1024;

// TEB: x64 Windows 10 offsets. Programs read Self (gs:0x30), StackBase (gs:0x08), PEB (gs:0x60),
// LastErrorValue (gs:0x68), ThreadLocalStoragePointer (gs:0x58) and the TLS slots directly.
struct TEB {
    void* ExceptionList;        // 0x00 NT_TIB
    void* StackBase;            // 0x08
    void* StackLimit;           // 0x10
    void* SubSystemTib;         // 0x18
    void* FiberData;            // 0x20
    void* ArbitraryUserPointer; // 0x28
    TEB* Self;                  // 0x30
    void* EnvironmentPointer;   // 0x38
    CLIENT_ID ClientId;         // 0x40
    void* ActiveRpcHandle;      // 0x50
    void** ThreadLocalStoragePointer;  // 0x58
    PEB* ProcessEnvironmentBlock;      // 0x60
    ULONG LastErrorValue;              // 0x68
    ULONG CountOfOwnedCriticalSections;  // 0x6C
    BYTE pad0[0x108 - 0x70];
    ULONG CurrentLocale;  // 0x108
    BYTE pad1[0x1478 - 0x10C];
    void* DeallocationStack;                    // 0x1478
    void* TlsSlots[TLS_MINIMUM_AVAILABLE];      // 0x1480
    LIST_ENTRY TlsLinks;                        // 0x1680
    BYTE pad2[0x1780 - 0x1690];
    void** TlsExpansionSlots;  // 0x1780
    BYTE pad3[0x17C8 - 0x1788];
    void* FlsData;  // 0x17C8
    BYTE pad4[0x1838 - 0x17D0];
};
static_assert(offsetof(TEB, Self) == 0x30);
static_assert(offsetof(TEB, ClientId) == 0x40);
static_assert(offsetof(TEB, ThreadLocalStoragePointer) == 0x58);
static_assert(offsetof(TEB, ProcessEnvironmentBlock) == 0x60);
static_assert(offsetof(TEB, LastErrorValue) == 0x68);
static_assert(offsetof(TEB, CurrentLocale) == 0x108);
static_assert(offsetof(TEB, DeallocationStack) == 0x1478);
static_assert(offsetof(TEB, TlsSlots) == 0x1480);
static_assert(offsetof(TEB, TlsExpansionSlots) == 0x1780);
static_assert(offsetof(TEB, FlsData) == 0x17C8);
static_assert(sizeof(TEB) == 0x1838);

// The current thread's TEB, through gs (set with arch_prctl(ARCH_SET_GS) for every Windows thread).
inline TEB* current_teb() {
    TEB* teb;
    __asm__("movq %%gs:0x30, %0" : "=r"(teb));
    return teb;
}

// ---------------------------------------------------------------------------------------------
// Exceptions
constexpr int EXCEPTION_MAXIMUM_PARAMETERS = 15;
struct EXCEPTION_RECORD {
    DWORD ExceptionCode;
    DWORD ExceptionFlags;
    EXCEPTION_RECORD* ExceptionRecord;
    void* ExceptionAddress;
    DWORD NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
};
static_assert(sizeof(EXCEPTION_RECORD) == 152);
static_assert(offsetof(EXCEPTION_RECORD, ExceptionInformation) == 32);

struct alignas(16) M128A {
    ULONGLONG Low;
    LONGLONG High;
};

struct alignas(16) CONTEXT {
    DWORD64 P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
    DWORD ContextFlags;
    DWORD MxCsr;
    WORD SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
    DWORD EFlags;
    DWORD64 Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi;
    DWORD64 R8, R9, R10, R11, R12, R13, R14, R15;
    DWORD64 Rip;
    BYTE FltSave[512];  // XMM_SAVE_AREA32
    M128A VectorRegister[26];
    DWORD64 VectorControl;
    DWORD64 DebugControl, LastBranchToRip, LastBranchFromRip, LastExceptionToRip, LastExceptionFromRip;
};
static_assert(offsetof(CONTEXT, ContextFlags) == 0x30);
static_assert(offsetof(CONTEXT, Rax) == 0x78);
static_assert(offsetof(CONTEXT, Rip) == 0xF8);
static_assert(offsetof(CONTEXT, FltSave) == 0x100);
static_assert(sizeof(CONTEXT) == 0x4D0);

struct EXCEPTION_POINTERS {
    EXCEPTION_RECORD* ExceptionRecord;
    CONTEXT* ContextRecord;
};

// ExceptionFlags (winnt.h / ntdef): set by the dispatcher and RtlUnwindEx for the handlers.
constexpr DWORD EXCEPTION_UNWINDING = 0x2;
constexpr DWORD EXCEPTION_EXIT_UNWIND = 0x4;
constexpr DWORD EXCEPTION_STACK_INVALID = 0x8;
constexpr DWORD EXCEPTION_NESTED_CALL = 0x10;
constexpr DWORD EXCEPTION_TARGET_UNWIND = 0x20;
constexpr DWORD EXCEPTION_COLLIDED_UNWIND = 0x40;
constexpr DWORD EXCEPTION_UNWIND = EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND | EXCEPTION_TARGET_UNWIND | EXCEPTION_COLLIDED_UNWIND;

// EXCEPTION_DISPOSITION, what a language handler returns.
enum EXCEPTION_DISPOSITION : int32_t {
    ExceptionContinueExecution = 0,
    ExceptionContinueSearch = 1,
    ExceptionNestedException = 2,
    ExceptionCollidedUnwind = 3,
};

// ContextFlags (x64).
constexpr DWORD CONTEXT_AMD64 = 0x100000;
constexpr DWORD CONTEXT_CONTROL = CONTEXT_AMD64 | 0x1;
constexpr DWORD CONTEXT_INTEGER = CONTEXT_AMD64 | 0x2;
constexpr DWORD CONTEXT_SEGMENTS = CONTEXT_AMD64 | 0x4;
constexpr DWORD CONTEXT_FLOATING_POINT = CONTEXT_AMD64 | 0x8;
constexpr DWORD CONTEXT_FULL = CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_FLOATING_POINT;

// x64 unwind data (the PE .pdata section and the UNWIND_INFO it points at; Microsoft's "x64
// exception handling" documentation).
struct RUNTIME_FUNCTION {
    DWORD BeginAddress;  // RVAs from the image base
    DWORD EndAddress;
    DWORD UnwindData;    // RVA of the UNWIND_INFO
};
static_assert(sizeof(RUNTIME_FUNCTION) == 12);

constexpr BYTE UNW_FLAG_NHANDLER = 0x0, UNW_FLAG_EHANDLER = 0x1, UNW_FLAG_UHANDLER = 0x2, UNW_FLAG_CHAININFO = 0x4;

struct UNWIND_HISTORY_TABLE_ENTRY {
    DWORD64 ImageBase;
    RUNTIME_FUNCTION* FunctionEntry;
};
struct UNWIND_HISTORY_TABLE {
    DWORD Count;
    BYTE LocalHint, GlobalHint, Search, Once;
    DWORD64 LowAddress, HighAddress;
    UNWIND_HISTORY_TABLE_ENTRY Entry[12];
};
static_assert(sizeof(UNWIND_HISTORY_TABLE) == 216);

// Where RtlVirtualUnwind found each saved nonvolatile register (may be NULL).
struct KNONVOLATILE_CONTEXT_POINTERS {
    M128A* FloatingContext[16];
    DWORD64* IntegerContext[16];
};
static_assert(sizeof(KNONVOLATILE_CONTEXT_POINTERS) == 256);

struct DISPATCHER_CONTEXT;
using EXCEPTION_ROUTINE = EXCEPTION_DISPOSITION(WINAPI*)(EXCEPTION_RECORD* rec, void* establisher_frame,
                                                          CONTEXT* ctx, DISPATCHER_CONTEXT* disp);

// What the dispatcher and RtlUnwindEx hand every language handler (winnt.h, x64).
struct DISPATCHER_CONTEXT {
    DWORD64 ControlPc;
    DWORD64 ImageBase;
    RUNTIME_FUNCTION* FunctionEntry;
    DWORD64 EstablisherFrame;
    DWORD64 TargetIp;
    CONTEXT* ContextRecord;
    EXCEPTION_ROUTINE LanguageHandler;
    void* HandlerData;
    UNWIND_HISTORY_TABLE* HistoryTable;
    DWORD ScopeIndex;
    DWORD Fill0;
};
static_assert(sizeof(DISPATCHER_CONTEXT) == 0x50);
static_assert(offsetof(DISPATCHER_CONTEXT, EstablisherFrame) == 0x18);
static_assert(offsetof(DISPATCHER_CONTEXT, ContextRecord) == 0x28);
static_assert(offsetof(DISPATCHER_CONTEXT, HandlerData) == 0x38);
static_assert(offsetof(DISPATCHER_CONTEXT, ScopeIndex) == 0x48);

// ---------------------------------------------------------------------------------------------
// Status codes we raise or return (ntstatus.h).
constexpr DWORD STATUS_ACCESS_VIOLATION = 0xC0000005;
constexpr DWORD STATUS_NOT_IMPLEMENTED = 0xC0000002;
constexpr DWORD STATUS_INVALID_IMAGE_FORMAT = 0xC000007B;
constexpr DWORD STATUS_DLL_NOT_FOUND = 0xC0000135;
constexpr DWORD STATUS_ENTRYPOINT_NOT_FOUND = 0xC0000139;
constexpr DWORD STATUS_ORDINAL_NOT_FOUND = 0xC0000138;
constexpr DWORD STATUS_DLL_INIT_FAILED = 0xC0000142;
constexpr DWORD STATUS_ILLEGAL_INSTRUCTION = 0xC000001D;
constexpr DWORD STATUS_INTEGER_DIVIDE_BY_ZERO = 0xC0000094;
constexpr DWORD STATUS_BREAKPOINT = 0x80000003;
constexpr DWORD STATUS_STACK_BUFFER_OVERRUN = 0xC0000409;
constexpr DWORD STATUS_NONCONTINUABLE_EXCEPTION = 0xC0000025;
constexpr DWORD EXCEPTION_NONCONTINUABLE = 0x1;
constexpr DWORD STATUS_STACK_OVERFLOW = 0xC00000FD;
constexpr DWORD STATUS_INVALID_DISPOSITION = 0xC0000026;
constexpr DWORD STATUS_UNWIND = 0xC0000027;
constexpr DWORD STATUS_BAD_STACK = 0xC0000028;
constexpr DWORD STATUS_INVALID_UNWIND_TARGET = 0xC0000029;
constexpr DWORD STATUS_UNWIND_CONSOLIDATE = 0x80000029;  // RtlUnwindEx then calls ExceptionInformation[0]
constexpr DWORD STATUS_LONGJUMP = 0x80000026;

}  // namespace winrun::win
