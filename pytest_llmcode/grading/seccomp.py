"""The seccomp profile of the answer hosts' containers (grading/answer_hosts.py).

Docker's default profile refuses, to a container without capabilities, the system calls
bubblewrap needs to build an answer's sandbox (clone and unshare with namespace flags, mount,
umount2, pivot_root, sethostname). This profile allows those and, like the default, refuses
what no answer and no sandbox needs: kernel modules and kexec, BPF and perf, the kernel
keyring, ptrace and reading or writing other processes' memory, clocks, swap, reboot,
accounting, quotas, the new mount API, open_by_handle_at, raw I/O ports, userfaultfd,
io_uring, joining another process's namespaces. It is a deny list written for this project,
not Docker's allow list: everything it does not name is allowed, and the container's lack
of every capability is what keeps the namespace and mount calls harmless outside a user
namespace.
"""

from __future__ import annotations

import json

DENIED = (
    "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
    "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
    "get_kernel_syms", "get_mempolicy", "init_module", "io_uring_enter", "io_uring_register",
    "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
    "lookup_dcookie", "mbind", "move_mount", "mount_setattr", "name_to_handle_at",
    "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open", "pidfd_getfd",
    "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", "query_module",
    "quotactl", "quotactl_fd", "reboot", "request_key", "set_mempolicy", "setdomainname",
    "setns", "settimeofday", "stime", "swapoff", "swapon", "syslog", "uselib", "userfaultfd",
    "ustat", "vhangup", "_sysctl", "sysfs",
)

PROFILE = json.dumps({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": list(DENIED), "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
})
