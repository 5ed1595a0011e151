package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests that load the real BPF program. Without BTF or CAP_BPF + CAP_PERFMON they are skipped on a
 * developer's machine, and fail in CI (CI=true), where a skipped kernel test would hide a broken pipeline.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresBpf.Check.class)
public @interface RequiresBpf {
    final class Check implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            try {
                Privileges.check();
            } catch (ProbeException e) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail("BPF is unavailable in CI, where these tests must run: " + e.getMessage());
                }
                Assumptions.abort("BPF unavailable: " + e.getMessage());
            }
        }
    }
}
