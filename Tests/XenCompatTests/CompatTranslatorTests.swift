import Testing
import XenInterface
import ABI32
import ABI64
@testable import XenCompat

/// A seeded generator so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension CompatTranslator {
    /// Which compat bytes a move carries (all others are padding or unused union tail).
    var carriedCompatBytes: Set<Int> {
        Set(moves.flatMap { $0.compatOffset..<($0.compatOffset + $0.compatWidth * $0.count) })
    }
    var carriedNativeBytes: Set<Int> {
        Set(moves.flatMap { $0.nativeOffset..<($0.nativeOffset + $0.nativeWidth * $0.count) })
    }
}

@Suite struct CompatTranslatorTests {
    static let translatable = CompatCatalog.translated.map(\.structure) + [CompatCatalog.multicall]

    @Test(arguments: CompatCatalog.translated.map(\.structure))
    func translatedStructuresDifferBetweenABIs(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        #expect(!translator.isLayoutIdentical, "\(description.name) is marked ! but lays out identically")
        #expect(!translator.moves.isEmpty)
    }

    @Test(arguments: CompatCatalog.checked.map(\.structure))
    func checkedStructuresAreLayoutIdentical(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        #expect(translator.isLayoutIdentical, "\(description.name) is marked ? but differs between ABIs")
    }

    /// Random compat values: 32 → 64 → 32 is the identity on every carried byte; padding comes back zero.
    @Test(arguments: translatable)
    func compatRoundTripIsIdentity(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        let carried = translator.carriedCompatBytes
        var random = SplitMix64(state: UInt64(description.name.utf8.count) &* 7919)
        for _ in 0..<200 {
            let input = (0..<translator.compat.size).map { _ in UInt8.random(in: 0...255, using: &random) }
            let native = try translator.toNative(input)
            #expect(native.count == translator.native.size)
            let back = try translator.toCompat(native)
            for index in 0..<input.count {
                #expect(back[index] == (carried.contains(index) ? input[index] : 0),
                        "\(description.name) byte \(index)")
            }
        }
    }

    /// Random native values: translation back succeeds exactly when every carried value fits
    /// its compat field and native-only members are zero; then 64 → 32 → 64 is the identity.
    @Test(arguments: translatable)
    func nativeValuesAreRejectedExactlyWhenUnrepresentable(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        let carried = translator.carriedNativeBytes
        var random = SplitMix64(state: UInt64(description.name.utf8.count) &* 104_729)
        var accepted = 0, rejected = 0
        for round in 0..<300 {
            var input = (0..<translator.native.size).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Mostly small values, so that both outcomes occur: clear upper halves most of the time.
            if round % 4 != 0 {
                for move in translator.moves where move.nativeWidth > move.compatWidth {
                    for element in 0..<move.count {
                        let start = move.nativeOffset + element * move.nativeWidth
                        let fill: UInt8 = move.isSigned && input[start + move.compatWidth - 1] & 0x80 != 0 ? 0xff : 0
                        for index in (start + move.compatWidth)..<(start + move.nativeWidth) { input[index] = fill }
                    }
                }
                for field in translator.nativeOnly {
                    for index in field.offset..<(field.offset + field.size) { input[index] = 0 }
                }
            }
            let values = try translator.native.decode(input)
            let compatFields = Dictionary(translator.compat.fields.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            let representable = translator.moves.allSatisfy { move in
                let compatField = compatFields[move.path]!
                return (values.fields[move.path] ?? []).allSatisfy { value in
                    move.isSigned ? compatField.fits(value) || LayoutField.signedFits(value, move.compatWidth)
                                  : compatField.fits(value)
                }
            } && translator.nativeOnly.allSatisfy { (values.fields[$0.path] ?? []).allSatisfy { $0 == 0 } }
            do {
                let compat = try translator.toCompat(input)
                #expect(representable, "\(description.name): accepted an unrepresentable value")
                let again = try translator.toNative(compat)
                for index in carried { #expect(again[index] == input[index], "\(description.name) byte \(index)") }
                accepted += 1
            } catch let error {
                #expect(!representable, "\(description.name): rejected a representable value: \(error)")
                if case .unrepresentable(_, _, _, let errno, _) = error { #expect(errno == .ERANGE) } else {
                    Issue.record("unexpected error \(error)")
                }
                rejected += 1
            }
        }
        #expect(accepted > 0)
        if translator.moves.contains(where: { $0.nativeWidth > $0.compatWidth }) { #expect(rejected > 0) }
    }

    /// A batch is its entries translated one by one, whatever path the batch takes (blocks of
    /// entries, or one flat run when the plan covers whole entries, as mmuext_op's inward one
    /// does); a batch with one unrepresentable entry, in a later block, fails with that entry's
    /// own error.
    @Test(arguments: translatable)
    func batchesAgreeWithSingleEntries(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        var random = SplitMix64(state: UInt64(description.name.utf8.count) &* 15_485_863)
        let count = CompatTranslator.blockEntries * 2 + 5
        let entries = (0..<count).map { _ in
            (0..<translator.compat.size).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        let singles = try entries.map { try translator.toNative($0) }
        let batch = try translator.toNative(batch: entries.flatMap { $0 }, count: count)
        #expect(batch == singles.flatMap { $0 })
        let back = try translator.toCompat(batch: batch, count: count)
        #expect(back == (try singles.flatMap { try translator.toCompat($0) }))

        // One entry of the second block gets a value no compat field can hold.
        guard let wide = translator.moves.first(where: { $0.nativeWidth > $0.compatWidth })
                ?? translator.nativeOnly.first.map({ field in
                    CompatTranslator.Move(path: field.path, compatOffset: 0, compatWidth: 0, nativeOffset: field.offset,
                                          nativeWidth: field.elementSize, count: 1, isSigned: false) }) else { return }
        var broken = singles
        let victim = CompatTranslator.blockEntries + 3
        broken[victim][wide.nativeOffset + wide.nativeWidth - 1] = 0x40
        var expected: ABIError?
        do { _ = try translator.toCompat(broken[victim]) } catch { expected = error }
        #expect(expected != nil, "\(description.name): \(wide.path) = 0x40… was accepted")
        #expect(throws: expected!) { try translator.toCompat(batch: broken.flatMap { $0 }, count: count) }
    }
}

extension LayoutField {
    /// A signed value (as a 64-bit pattern) fits `width` bytes.
    static func signedFits(_ value: UInt64, _ width: Int) -> Bool {
        let signed = Int64(bitPattern: value)
        let limit = Int64(1) << Int64(width * 8 - 1)
        return signed >= -limit && signed < limit
    }
}
