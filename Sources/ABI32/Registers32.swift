import XenInterface

/// x86_32 hypercall registers: EAX = hypercall number; arguments in EBX, ECX, EDX, ESI, EDI
/// (Linux arch/x86/include/asm/xen/hypercall.h, Xen's compat entry). A 64-bit argument takes
/// two registers, low half first (hypercall-defs.c: update_va_mapping(va, lo, hi, flags)).
public enum Registers32 {
    /// The register that carries the hypercall number in, and the result out.
    public static let numberRegister = "eax"
    /// The five argument registers, in argument order.
    public static let argumentRegisters = ["ebx", "ecx", "edx", "esi", "edi"]

    /// The registers for `hypercall` with `arguments` (one value per declared argument).
    /// A one-register argument must fit 32 bits, as unsigned or as a sign-extended negative
    /// value (an `int` such as DOMID_SELF-style -1); anything wider is an error.
    public static func marshal(_ hypercall: HypercallSignature, _ arguments: [UInt64]) throws(ABIError) -> [RegisterValue] {
        let declared = hypercall.arguments(.x86_32)
        guard arguments.count == declared.count else {
            throw .badArgument("\(hypercall.name) takes \(declared.count) arguments on x86_32 "
                + "(\(declared.map(\.name).joined(separator: ", "))), got \(arguments.count)")
        }
        var registers = [RegisterValue(numberRegister, UInt64(hypercall.number))]
        var words: [UInt64] = []
        for (argument, value) in zip(declared, arguments) {
            switch argument.kind {
            case .word:
                let signed = Int64(bitPattern: value)
                guard value <= UInt64(UInt32.max) || (signed < 0 && signed >= Int64(Int32.min)) else {
                    throw .badArgument("\(hypercall.name): \(argument.name) 0x\(String(value, radix: 16)) "
                        + "does not fit a 32-bit register")
                }
                words.append(value & 0xffff_ffff)
            case .wide:
                words.append(value & 0xffff_ffff)
                words.append(value >> 32)
            }
        }
        guard words.count <= argumentRegisters.count else {
            throw .badArgument("\(hypercall.name) needs \(words.count) registers; x86_32 has 5")
        }
        for (register, word) in zip(argumentRegisters, words) {
            registers.append(RegisterValue(register, word))
        }
        return registers
    }

    /// The result in EAX, sign-extended (-`XenErrno.maxErrno` ... -1 are negated Xen errnos).
    public static func result(eax: UInt32) -> HypercallResult {
        HypercallResult(rc: Int64(Int32(bitPattern: eax)))
    }
}
