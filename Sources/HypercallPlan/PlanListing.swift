import XenInterface
/// A plan in words: one line per call and per buffer, for `abi plan --list`.
package enum PlanListing {
    package static func text(_ plan: HypercallPlan) -> String {
        var out = "plan abi=\(plan.abi.bits) calls=\(plan.calls.count) buffers=\(plan.buffers.count) "
            + "sentinel=0x\(hex(UInt64(plan.sentinel)))\n"
        for (i, call) in plan.calls.enumerated() {
            let registers = call.arguments.map { argument -> String in
                switch argument {
                case .value(let v): return "0x" + hex(v)
                case .pointer(let k, let offset): return offset == 0 ? "&buf\(k)" : "&buf\(k)+\(offset)"
                }
            }
            out += "call \(i) \(call.label) op=\(call.op) regs=\(registers.joined(separator: ","))\n"
            for k in call.buffers {
                let b = plan.buffers[k]
                out += "  buf\(k) size=\(b.size) input=\(b.input.count)"
                for r in plan.relocations where r.buffer == k {
                    out += " [\(r.offset)..<\(r.offset + r.width)]=&buf\(r.target)"
                }
                out += "\n"
            }
        }
        return out
    }

    private static func hex(_ v: UInt64) -> String { String(v, radix: 16) }
}
