import XenInterface

/// x86_64 hypercall registers: RAX = hypercall number; arguments in RDI, RSI, RDX, R10, R8
/// (Linux arch/x86/include/asm/xen/hypercall.h; R10 because SYSCALL-style entry clobbers RCX).
public enum Registers64 {
    /// The register that carries the hypercall number in, and the result out.
    public static let numberRegister = "rax"
    /// The five argument registers, in argument order.
    public static let argumentRegisters = ["rdi", "rsi", "rdx", "r10", "r8"]

    /// The registers for `hypercall` with `arguments` (one value per declared argument; a
    /// 64-bit argument is one register here).
    public static func marshal(_ hypercall: HypercallSignature, _ arguments: [UInt64]) throws(ABIError) -> [RegisterValue] {
        let declared = hypercall.arguments(.x86_64)
        guard arguments.count == declared.count else {
            throw .badArgument("\(hypercall.name) takes \(declared.count) arguments on x86_64 "
                + "(\(declared.map(\.name).joined(separator: ", "))), got \(arguments.count)")
        }
        guard arguments.count <= argumentRegisters.count else {
            throw .badArgument("\(hypercall.name) needs \(arguments.count) registers; x86_64 has 5")
        }
        var registers = [RegisterValue(numberRegister, UInt64(hypercall.number))]
        for (register, value) in zip(argumentRegisters, arguments) {
            registers.append(RegisterValue(register, value))
        }
        return registers
    }

    /// The result in RAX (-`XenErrno.maxErrno` ... -1 are negated Xen errnos).
    public static func result(rax: UInt64) -> HypercallResult {
        HypercallResult(rc: Int64(bitPattern: rax))
    }
}
