package dev.mcplatencyprobe.binding;

/** The shim or the system's libbpf could not be loaded; the message says what to install. */
public final class NativeLoadException extends RuntimeException {
    NativeLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    static NativeLoadException explain(Throwable e) {
        String detail = String.valueOf(e.getMessage());
        if (detail.contains("libbpf")) {
            return new NativeLoadException("libbpf is not installed (needs libbpf.so.1, libbpf >= 1.0): "
                    + "install it with 'sudo apt-get install libbpf1' (Debian/Ubuntu) or 'sudo dnf install libbpf' (Fedora)", e);
        }
        if (detail.contains("libelf") || detail.contains("libz")) {
            return new NativeLoadException("a library libbpf needs is missing: install libelf1 and zlib1g "
                    + "(Debian/Ubuntu: sudo apt-get install libelf1 zlib1g)", e);
        }
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return new NativeLoadException("eBPF probes run on Linux only (this is " + System.getProperty("os.name") + ")", e);
        }
        return new NativeLoadException("cannot load the native shim for " + System.getProperty("os.arch")
                + " (only linux-x86-64 is packaged): " + detail, e);
    }
}
