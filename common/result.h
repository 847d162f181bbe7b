// Errors as values: every fallible function inside winrun returns Result<T>.
// An Error carries one human-readable line that names what is wrong; it never crosses into Windows code
// (the Win32 edge turns it into a Windows error code or NTSTATUS).
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace winrun {

struct Error {
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error e) : v_(std::move(e)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error e) : err_(std::move(e)), failed_(true) {}
    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return err_; }

private:
    Error err_;
    bool failed_ = false;
};

inline Error make_error(std::string msg) { return Error{std::move(msg)}; }

}  // namespace winrun

// Propagate an error: `auto x = TRY(f());`
#define TRY(expr)                                         \
    ({                                                    \
        auto&& try_result_ = (expr);                      \
        if (!try_result_.ok()) return try_result_.error(); \
        std::move(try_result_.value());                   \
    })
#define TRY_VOID(expr)                                    \
    do {                                                  \
        auto&& try_result_ = (expr);                      \
        if (!try_result_.ok()) return try_result_.error(); \
    } while (0)
