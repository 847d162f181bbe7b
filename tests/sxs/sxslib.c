/* The DLL of the side-by-side tests: built once per version (-DSXSLIB_VERSION=n), each copy named
   sxslib.dll, so only the activation context tells which one a program gets. */
__declspec(dllexport) int sxslib_version(void) { return SXSLIB_VERSION; }
