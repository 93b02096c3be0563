import ArgumentParser
import XenCompat
import XenInterface
import XenSystem

/// `xen-detect abi translate STRUCT --from 32 --to 64 HEX`: Xen's compat translation, bytes in,
/// bytes out. HEX may hold several consecutive structures (a multicall list, an mmu_update batch).
/// `STRUCT.HANDLE` (e.g. `xen_memory_reservation.extent_start`) translates the array behind that
/// guest handle instead: HEX holds its elements (`abi list` names the arrays).
struct ABITranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a structure (or an array of them) between the 32-bit compat and native layouts.")

    @Argument(help: "C struct tag, e.g. multicall_entry; or STRUCT.HANDLE for the array behind a guest handle.")
    var structure: String

    @Option(name: .long, help: "32 or 64.")
    var from: ABIOption

    @Option(name: .long, help: "32 or 64.")
    var to: ABIOption

    @Argument(help: "The bytes, in hex.")
    var hex: String

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
            let size = from == .bits32 ? translator.compat.size : translator.native.size
            guard size > 0, bytes.count % size == 0, !bytes.isEmpty else {
                throw ABICommandError(.badInput, "\(description.name): \(bytes.count) bytes is not a multiple of \(size)")
            }
            print(ABIText.hex(bytes))
            return
        }
        let size = from == .bits32 ? translator.compat.size : translator.native.size
        guard !bytes.isEmpty, bytes.count % size == 0 else {
            throw ABICommandError(.badInput, "\(description.name): \(bytes.count) bytes is not a multiple of the "
                + "\(from.architecture.rawValue) size \(size)")
        }
        do {
            let output = from == .bits32 ? try translator.toNative(batch: bytes, count: bytes.count / size)
                                         : try translator.toCompat(batch: bytes, count: bytes.count / size)
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
        let size = from == .bits32 ? array.compatElementSize : array.nativeElementSize
        guard !bytes.isEmpty, bytes.count % size == 0 else {
            throw ABICommandError(.badInput, "\(array.name): \(bytes.count) bytes is not a multiple of the "
                + "\(from.architecture.rawValue) \(array.element.rawValue) size \(size)")
        }
        if from == to {
            print(ABIText.hex(bytes))
            return
        }
        do {
            print(ABIText.hex(from == .bits32 ? try array.toNative(bytes) : try array.toCompat(bytes)))
        } catch {
            throw error.command
        }
    }
}
