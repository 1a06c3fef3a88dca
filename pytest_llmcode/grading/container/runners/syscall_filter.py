"""The system call filter of every answer's sandbox (trusted code; sandbox.py hands it to
bubblewrap, which installs it last, just before it starts the answer's supervisor).

The answer host's container runs under a seccomp profile that must allow what bubblewrap
needs to build a sandbox (mount, pivot_root, clone and unshare with namespace flags:
grading/seccomp.py). Inside the sandbox none of that is needed, so this filter refuses it
again, on top of the container's profile (filters stack: the stricter answer wins):
mounting, changing root, new namespaces of any kind, joining one, changing host or domain
name; and, as the container's profile does, the kernel's keyring, BPF and perf, modules,
kexec, ptrace and other processes' memory, clocks, swap, reboot, accounting, quotas, the
new mount API, handles, I/O ports, userfaultfd and io_uring. A refused call fails with
EPERM; clone3 with ENOSYS, so the C library falls back to clone, whose flags are checked
(clone3 passes its flags in memory, which a filter cannot read). A call made through
another ABI than the machine's own (32-bit or x32 on x86-64) ends the process.

The filter is a classic BPF program built here, for x86-64 or arm64, from the system call
numbers of the kernel's headers (asm/unistd_64.h and asm-generic/unistd.h).
"""

from __future__ import annotations

import platform
import struct

EPERM, ENOSYS = 1, 38
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000
# struct seccomp_data: nr at 0, arch at 4, the arguments from 16 (64 bits each; the low
# half first on these little-endian machines).
NR, ARCH, ARG0_LOW = 0, 4, 16
LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
X32_BIT = 0x40000000
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
CLONE_NEW_ANY = 0x7E020000

DENIED_NAMES = (
    # What only building a sandbox needs.
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "sethostname",
    "setdomainname",
    # What the container's profile refuses too.
    "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
    "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen",
    "fspick", "get_kernel_syms", "get_mempolicy", "init_module", "io_uring_enter",
    "io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load",
    "kexec_load", "keyctl", "lookup_dcookie", "mbind", "move_mount", "mount_setattr",
    "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open",
    "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace",
    "query_module", "quotactl", "quotactl_fd", "reboot", "request_key", "set_mempolicy",
    "settimeofday", "stime", "swapoff", "swapon", "syslog", "uselib", "userfaultfd", "ustat",
    "vhangup", "_sysctl", "sysfs",
)

X86_64 = {
    "acct": 163, "add_key": 248, "bpf": 321, "chroot": 161, "clock_adjtime": 305,
    "clock_settime": 227, "clone": 56, "clone3": 435, "create_module": 174,
    "delete_module": 176, "fanotify_init": 300, "finit_module": 313, "fsconfig": 431,
    "fsmount": 432, "fsopen": 430, "fspick": 433, "get_kernel_syms": 177, "get_mempolicy": 239,
    "init_module": 175, "io_uring_enter": 426, "io_uring_register": 427, "io_uring_setup": 425,
    "ioperm": 173, "iopl": 172, "kcmp": 312, "kexec_file_load": 320, "kexec_load": 246,
    "keyctl": 250, "lookup_dcookie": 212, "mbind": 237, "mount": 165, "mount_setattr": 442,
    "move_mount": 429, "name_to_handle_at": 303, "nfsservctl": 180, "open_by_handle_at": 304,
    "open_tree": 428, "perf_event_open": 298, "pidfd_getfd": 438, "pivot_root": 155,
    "process_madvise": 440, "process_vm_readv": 310, "process_vm_writev": 311, "ptrace": 101,
    "query_module": 178, "quotactl": 179, "quotactl_fd": 443, "reboot": 169,
    "request_key": 249, "set_mempolicy": 238, "setdomainname": 171, "sethostname": 170,
    "setns": 308, "settimeofday": 164, "swapoff": 168, "swapon": 167, "syslog": 103,
    "umount2": 166, "unshare": 272, "uselib": 134, "userfaultfd": 323, "ustat": 136,
    "vhangup": 153, "_sysctl": 156, "sysfs": 139,
}
# arm64 has no legacy calls (create_module, iopl, _sysctl, ...): they are not there to refuse.
ARM64 = {
    "acct": 89, "add_key": 217, "bpf": 280, "chroot": 51, "clock_adjtime": 266,
    "clock_settime": 112, "clone": 220, "clone3": 435, "delete_module": 106,
    "fanotify_init": 262, "finit_module": 273, "fsconfig": 431, "fsmount": 432, "fsopen": 430,
    "fspick": 433, "get_mempolicy": 236, "init_module": 105, "io_uring_enter": 426,
    "io_uring_register": 427, "io_uring_setup": 425, "kcmp": 272, "kexec_file_load": 294,
    "kexec_load": 104, "keyctl": 219, "lookup_dcookie": 18, "mbind": 235, "mount": 40,
    "mount_setattr": 442, "move_mount": 429, "name_to_handle_at": 264, "nfsservctl": 42,
    "open_by_handle_at": 265, "open_tree": 428, "perf_event_open": 241, "pidfd_getfd": 438,
    "pivot_root": 41, "process_madvise": 440, "process_vm_readv": 270,
    "process_vm_writev": 271, "ptrace": 117, "quotactl": 60, "quotactl_fd": 443,
    "reboot": 142, "request_key": 218, "set_mempolicy": 237, "setdomainname": 162,
    "sethostname": 161, "setns": 268, "settimeofday": 170, "swapoff": 225, "swapon": 224,
    "syslog": 116, "umount2": 39, "unshare": 97, "userfaultfd": 282, "vhangup": 58,
}
MACHINES = {  # platform.machine() -> (AUDIT_ARCH_*, numbers, the x32 ABI exists)
    "x86_64": (0xC000003E, X86_64, True),
    "aarch64": (0xC00000B7, ARM64, False),
}


def program(machine: str | None = None) -> bytes:
    """The filter for this machine (or `machine`), as bubblewrap's --seccomp reads it."""
    try:
        arch, numbers, x32 = MACHINES[machine or platform.machine()]
    except KeyError:
        raise RuntimeError(f"no system call filter for {machine or platform.machine()}") from None
    denied = sorted({numbers[name] for name in DENIED_NAMES if name in numbers})
    # Each step: (code, jump if true, jump if false, k); a jump names a label below.
    steps: list[tuple[int, str | int, str | int, int]] = [
        (LD_W_ABS, 0, 0, ARCH),
        (JEQ, 0, "kill", arch),
        (LD_W_ABS, 0, 0, NR),
    ]
    if x32:
        steps.append((JGE, "kill", 0, X32_BIT))
    steps += [(JEQ, "eperm", 0, nr) for nr in denied]
    steps += [
        (JEQ, "enosys", 0, numbers["clone3"]),
        (JEQ, 0, "allow", numbers["clone"]),
        (LD_W_ABS, 0, 0, ARG0_LOW),
        (JSET, "eperm", "allow", CLONE_NEW_ANY),
    ]
    labels = {"allow": len(steps), "eperm": len(steps) + 1, "enosys": len(steps) + 2,
              "kill": len(steps) + 3}
    returns = [RET_ALLOW, RET_ERRNO | EPERM, RET_ERRNO | ENOSYS, RET_KILL_PROCESS]

    def offset(here: int, target: str | int) -> int:
        if isinstance(target, int):
            return target
        jump = labels[target] - here - 1
        if not 0 <= jump <= 255:
            raise RuntimeError("the system call filter's jump does not fit")
        return jump

    code = b"".join(struct.pack("=HBBI", op, offset(i, jt), offset(i, jf), k)
                    for i, (op, jt, jf, k) in enumerate(steps))
    return code + b"".join(struct.pack("=HBBI", RET, 0, 0, value) for value in returns)
