# Counts the CPUID executions of one xen-detect run: breakpoints on the two C functions that
# execute CPUID (CXenShim's xd_cpuid and xd_cpuid_forced), each hit continued silently.
set pagination off
set confirm off
break xd_cpuid
commands
silent
continue
end
break xd_cpuid_forced
commands
silent
continue
end
run
info breakpoints
