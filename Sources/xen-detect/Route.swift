/// Where a command line goes, decided once (README, "Drop-in"): by the early entry before the
/// Swift runtime has started (EarlyEntry.swift), and by main for every command line the early
/// entry left to it. A known subcommand (or `help`) goes to the toolkit's parser; a command line
/// that starts with an option, or is empty, is the drop-in for Xen's xen-detect (same flags,
/// lines and exit codes), which never touches ArgumentParser; a first word that is neither is an
/// error (64) naming the closest subcommand: the one deliberate difference from Xen's tool, whose
/// getopt ignores operands.
enum Route: Equatable {
    /// `--version` alone: the version line, as `xen-detect version` (Xen's tool has no --version).
    case version
    /// ArgumentParser's own options that generate text from the definitions (completion scripts,
    /// the help dump the manual generator reads): the toolkit's parser.
    case generator
    /// A first word that names a subcommand or `help`: the toolkit's parser.
    case toolkit
    /// A first word that is neither an option nor a subcommand.
    case unknownSubcommand(String)
    /// No arguments, or a first argument that is an option: the drop-in.
    case dropIn

    /// The route of a command line whose first argument (after the program's name) is `first`,
    /// of `count` in all. Only the first word decides, so the early entry reads no more; the
    /// subcommands' names are looked at only for a first word that is not an option.
    init(first: String?, count: Int) {
        guard let first else { self = .dropIn; return }
        if first.hasPrefix("-") {
            if first == "--version" && count == 1 {
                self = .version
            } else if Toolkit.generatorOptions.contains(first) {
                self = .generator
            } else {
                self = .dropIn
            }
        } else if Toolkit.routedWords.contains(first) {
            self = .toolkit
        } else {
            self = .unknownSubcommand(first)
        }
    }

    /// Whether the command line is the drop-in's. The same decision, without looking at the
    /// subcommands (ArgumentParser's definitions), which the early entry must not touch before the
    /// Swift runtime has started: a first word that is not an option is never the drop-in's.
    static func isDropIn(first: String?, count: Int) -> Bool {
        guard let first else { return true }
        return first.hasPrefix("-") && Route(first: first, count: count) == .dropIn
    }
}
