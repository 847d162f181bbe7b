/* Imports sxslib.dll statically: prints and returns the version the loader bound it to. The
   manifest (embedded or app.exe.manifest) decides where sxslib.dll comes from. */
#include <stdio.h>

__declspec(dllimport) int sxslib_version(void);

int main(void) {
    int v = sxslib_version();
    printf("sxslib %d\n", v);
    return v;
}
