/// What /proc/interrupts shows about Xen (arch/x86/kernel/irq.c prints the `HYP` line;
/// drivers/xen/events/events_base.c names its irq chips xen-dyn, xen-pirq and xen-percpu, and
/// each handler its line: xenbus, hvc_console, spinlockN, timerN, ...).
struct InterruptsTable: Sendable, Equatable {
    /// Each line, trimmed.
    let lines: [String]
    /// The CPUs of the header line (CPU0 CPU1 ...).
    let cpus: Int

    init(_ text: String) {
        let all = text.split(separator: "\n").map { String($0.drop(while: { $0 == " " })) }
        cpus = all.first.map { $0.split(separator: " ").filter { $0.hasPrefix("CPU") }.count } ?? 0
        lines = Array(all.dropFirst())
    }

    /// The lines whose words include `word`.
    func lines(withWord word: String) -> [String] {
        lines.filter { $0.split(separator: " ").contains { $0 == word } }
    }

    /// The lines whose last word starts with `prefix` (handler names such as spinlock0).
    func lines(handlerPrefix prefix: String) -> [String] {
        lines.filter { $0.split(separator: " ").last?.hasPrefix(prefix) == true }
    }

    /// The `HYP` line: the hypervisor callback vector.
    var callbackVector: String? {
        lines.first { $0.hasPrefix("HYP:") || $0.lowercased().contains("hypervisor callback") }
    }

    /// The interrupts counted on a line (the numbers after "NN:").
    static func count(_ line: String) -> UInt64 {
        line.split(separator: " ").dropFirst().prefix { $0.allSatisfy(\.isNumber) }.reduce(0) { $0 + (UInt64($1) ?? 0) }
    }
}
