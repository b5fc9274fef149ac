/* Stub of the iPhoneOS SDK's TargetConditionals.h, for scripts/mobile-check.sh
 * only: it lets C code in the dependency tree (ring) compile for
 * aarch64-apple-ios on Linux with Debian's clang, where no Apple SDK exists.
 * The objects are never linked into an app; real iOS builds use Xcode's SDK.
 * Values: an iOS device (not a simulator, not macOS). */
#ifndef HEEROS_STUB_TARGET_CONDITIONALS_H
#define HEEROS_STUB_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 0
#define TARGET_OS_IPHONE 1
#define TARGET_OS_IOS 1
#define TARGET_OS_MACCATALYST 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
#define TARGET_OS_EMBEDDED 1
#define TARGET_OS_WIN32 0
#define TARGET_OS_UNIX 0
#define TARGET_OS_LINUX 0
#define TARGET_CPU_ARM64 1
#define TARGET_CPU_X86_64 0
#define TARGET_RT_64_BIT 1
#define TARGET_RT_LITTLE_ENDIAN 1
#endif
