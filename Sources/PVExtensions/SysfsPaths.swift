/// The files and directories the inventory reads, each once (Linux's sysfs and procfs ABI:
/// Documentation/ABI/ in the kernel tree names most of them).
enum SysfsPaths {
    /// drivers/xen/xenbus/xenbus_probe.c: one directory per xenbus device.
    static let xenBus = "/sys/bus/xen"
    static let xenBusDevices = "/sys/bus/xen/devices"
    static let xenBusDrivers = "/sys/bus/xen/drivers"
    /// block/genhd.c: one link per block device, to its place in the device tree.
    static let block = "/sys/block"
    /// net/core/net-sysfs.c: one link per network interface.
    static let net = "/sys/class/net"
    /// drivers/pci/pci-sysfs.c: vendor, device, class and the driver link of each function.
    static let pciDevices = "/sys/bus/pci/devices"
    /// kernel/time/clocksource.c.
    static let currentClocksource = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
    static let availableClocksource = "/sys/devices/system/clocksource/clocksource0/available_clocksource"
    /// drivers/xen/xen-balloon.c: the balloon driver's directory.
    static let balloon = "/sys/devices/system/xen_memory/xen_memory0"
    static let interrupts = "/proc/interrupts"
    static let cmdline = "/proc/cmdline"
    /// drivers/xen/xenfs (mounted there by convention) and the /dev/xen devices.
    static let procXen = "/proc/xen"
    static let devXen = "/dev/xen"

    /// The last component of a path ("../../bus/xen/drivers/vbd" -> "vbd").
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
