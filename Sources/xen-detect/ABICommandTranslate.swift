import ArgumentParser
import XenCompat
import XenInterface
import XenSystem

/// `xen-detect abi translate STRUCT --from 32 --to 64 HEX`: Xen's compat translation, bytes in,
/// bytes out. HEX may hold several consecutive structures (a multicall list, an mmu_update batch).
/// `STRUCT.HANDLE` (e.g. `xen_memory_reservation.extent_start`) translates the array behind that
/// guest handle instead: HEX holds its elements (`abi list` names the arrays). `--narrowing`
/// picks what 64 → 32 does with a value too wide for its field: refuse it (`strict`, this
/// project's policy and the default) or do what Xen does (`xen`, `xen-4.17`).
struct ABITranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a structure (or an array of them) between the 32-bit compat and native layouts.",
        discussion: """
            64 -> 32 with a native value too wide for its 32-bit field: --narrowing strict (the default) \
            is this project's policy: refuse it (-ERANGE, naming the field). Xen does not do that in \
            general: its XLAT_ assignments keep the low bits, and only some call sites check (Xen's \
            compat_memory_op fails XENMEM_acquire_resource's frame list with -ERANGE). --narrowing xen \
            (Xen 4.18 and later) or xen-4.17 does what that Xen does, refusing only where it checks.
            """)

    @Argument(help: "C struct tag, e.g. multicall_entry; or STRUCT.HANDLE for the array behind a guest handle.")
    var structure: String

    @Option(name: .long, help: "32 or 64.")
    var from: Architecture

    @Option(name: .long, help: "32 or 64.")
    var to: Architecture

    @Argument(help: "The bytes, in hex.")
    var hex: String

    @Option(name: .long, help: ArgumentHelp("64 -> 32 with a value too wide: strict (this project's policy: refuse), "
                + "xen (what Xen 4.18+ does: keep the low bits unless Xen checks), xen-4.17, xen-4.18."))
    var narrowing: NarrowingOption = .strict

    func run() throws {
        if structure.contains("."), Catalog.structure(structure) == nil {
            try translateArray()
            return
        }
        let description = try ABIText.structure(structure)
        let bytes = try ABIText.bytes(fromHex: hex)
        let translator: CompatTranslator
        do { translator = try CompatTranslator(description) } catch { throw error.command }
        if from == to {
            // Same ABI: validate the length and echo.
            let size = from == .x86_32 ? translator.compat.size : translator.native.size
            guard size > 0, bytes.count % size == 0, !bytes.isEmpty else {
                throw ABICommandError(.badInput, "\(description.name): \(bytes.count) bytes is not a multiple of \(size)")
            }
            print(ABIText.hex(bytes))
            return
        }
        let size = from == .x86_32 ? translator.compat.size : translator.native.size
        guard !bytes.isEmpty, bytes.count % size == 0 else {
            throw ABICommandError(.badInput, "\(description.name): \(bytes.count) bytes is not a multiple of the "
                + "\(from.rawValue) size \(size)")
        }
        do {
            let output = from == .x86_32 ? try translator.toNative(batch: bytes, count: bytes.count / size)
                                         : try translator.toCompat(batch: bytes, count: bytes.count / size,
                                                                   narrowing: narrowing.policy)
            print(ABIText.hex(output))
        } catch {
            throw error.command
        }
    }

    /// The elements behind a guest handle, widened or narrowed one by one.
    private func translateArray() throws {
        let array: CompatHandleArray
        do { array = try CompatHandleArrays.named(structure) } catch { throw error.command }
        let bytes = try ABIText.bytes(fromHex: hex)
        let size = from == .x86_32 ? array.compatElementSize : array.nativeElementSize
        guard !bytes.isEmpty, bytes.count % size == 0 else {
            throw ABICommandError(.badInput, "\(array.name): \(bytes.count) bytes is not a multiple of the "
                + "\(from.rawValue) \(array.element.rawValue) size \(size)")
        }
        if from == to {
            print(ABIText.hex(bytes))
            return
        }
        do {
            print(ABIText.hex(from == .x86_32 ? try array.toNative(bytes)
                                              : try array.toCompat(bytes, narrowing: narrowing.policy)))
        } catch {
            throw error.command
        }
    }
}

/// `--narrowing strict|xen|xen-RELEASE` (`xen-4.17`, `xen-4.18`): `NarrowingPolicy` on the
/// command line; the release names are `XenRelease`'s.
struct NarrowingOption: ExpressibleByArgument {
    /// The library's policy this option names.
    let policy: NarrowingPolicy

    /// This project's policy: refuse a value too wide for its field.
    static let strict = NarrowingOption(policy: .strict)

    private init(policy: NarrowingPolicy) { self.policy = policy }

    init?(argument: String) {
        if argument == "strict" { policy = .strict; return }
        if argument == "xen" { policy = .xen; return }
        guard let release = XenRelease.allCases.first(where: { "xen-\($0.rawValue)" == argument }) else { return nil }
        policy = .xen(release)
    }

    static var allValueStrings: [String] { ["strict", "xen"] + XenRelease.allCases.map { "xen-\($0.rawValue)" } }

    var defaultValueDescription: String { "strict" }
}
