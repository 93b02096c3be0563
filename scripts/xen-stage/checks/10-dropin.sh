# The drop-in: for every flag, our stdout, stderr and exit status equal Debian's xen-detect
# (the flags and the comparison: xs_dropin_flags, xs_dropin_run, xs_dropin_verdicts in lib.sh).
# Here both answer from /sys/hypervisor; 15-hidden-sysfs.sh repeats this with sysfs hidden.
xs_dropin_run runs
xs_dropin_verdicts runs
