// KERNEL32.dll: the parts of its export list, one per area file.
#include "builtin/builtin.h"

namespace winrun::k32 {
using builtin::ExportPart;
extern const ExportPart kernel32_error, kernel32_handle, kernel32_process, kernel32_memory, kernel32_heap,
    kernel32_tls, kernel32_sync, kernel32_module, kernel32_nls, kernel32_time, kernel32_sysinfo, kernel32_environ,
    kernel32_file, kernel32_exception, kernel32_waitable, kernel32_directory, kernel32_message, kernel32_thread, kernel32_process_handle, kernel32_create_process, kernel32_handle_dup, kernel32_find,
    kernel32_file_info, kernel32_file_ops, kernel32_file_lock, kernel32_volume, kernel32_file_mapping,
    kernel32_srwlock, kernel32_condition_variable, kernel32_init_once, kernel32_wait_on_address,
    kernel32_apc, kernel32_waitable_timer, kernel32_completion_port, kernel32_threadpool, kernel32_threadpool_timers,
    kernel32_locale, kernel32_computer, kernel32_compare_string, kernel32_string_type, kernel32_timezone, kernel32_date_format,
    kernel32_console, kernel32_console_ctrl, kernel32_fls, kernel32_interlocked_slist,
    kernel32_actctx;

static const ExportPart* const k_parts[] = {
    &kernel32_error, &kernel32_handle, &kernel32_process, &kernel32_memory, &kernel32_heap,
    &kernel32_tls,   &kernel32_sync,   &kernel32_module,  &kernel32_nls,    &kernel32_time,
    &kernel32_sysinfo, &kernel32_environ, &kernel32_file, &kernel32_exception, &kernel32_waitable, &kernel32_directory, &kernel32_message, &kernel32_thread, &kernel32_process_handle, &kernel32_create_process, &kernel32_handle_dup, &kernel32_find,
    &kernel32_file_info, &kernel32_file_ops, &kernel32_file_lock, &kernel32_volume, &kernel32_file_mapping,
    &kernel32_srwlock, &kernel32_condition_variable, &kernel32_init_once, &kernel32_wait_on_address,
    &kernel32_apc, &kernel32_waitable_timer, &kernel32_completion_port, &kernel32_threadpool, &kernel32_threadpool_timers,
    &kernel32_locale, &kernel32_computer, &kernel32_compare_string, &kernel32_string_type, &kernel32_timezone, &kernel32_date_format,
    &kernel32_console, &kernel32_console_ctrl, &kernel32_fls, &kernel32_interlocked_slist,
    &kernel32_actctx,
};
}  // namespace winrun::k32

namespace winrun::builtin {
extern const DllDef kernel32_dll{"KERNEL32.dll", winrun::k32::k_parts, sizeof(winrun::k32::k_parts) / sizeof(winrun::k32::k_parts[0]),
                                 nullptr};
}  // namespace winrun::builtin
