// fuzz-options: -max_len=4096
// Fuzz target: the hypercall plan reader (HypercallPlan(decoding:)) and writer, and the test
// guest's results parser (GuestResults(parsing:)). Properties:
// - decoding any bytes either throws a one-line error or gives a plan that validates, encodes,
//   and decodes from its encoding to itself (decode . encode . decode = decode);
// - a plan built from the input encodes iff it validates, and then decodes back to itself;
// - the results parser is total: a one-line error or a value, never a trap.
import HypercallPlan

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHypercallPlan(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data, size)
    switch input.byte() % 3 {
    case 0:
        let bytes = input.rest()
        do throws(PlanError) {
            let plan = try HypercallPlan(decoding: bytes)
            let encoded: [UInt8]
            do throws(PlanError) { encoded = try plan.encoded() } catch {
                require(false, "a decoded plan does not encode: \(error)"); return 0
            }
            require(encoded.count == bytes.count, "re-encoded plan has another length")
            require((try? HypercallPlan(decoding: encoded)) == plan, "decode(encode(p)) != p")
        } catch {
            require(!error.description.contains("\n"), "error spans lines")
        }
    case 1:
        // A plan from the input, valid or not.
        var plan = HypercallPlan(abi: input.bool() ? .x86_32 : .x86_64, sentinel: input.byte())
        for _ in 0..<(Int(input.byte()) % 6) {
            let size = Int(Int16(bitPattern: UInt16(input.byte()) | UInt16(input.byte()) << 8))
            _ = plan.addBuffer(PlanBuffer(size: size, input: input.take(Int(input.byte()) % 24)))
        }
        for _ in 0..<(Int(input.byte()) % 4) {
            plan.relocations.append(PlanRelocation(buffer: Int(input.byte() % 8), offset: Int(Int32(bitPattern: input.uint32())),
                                                   target: Int(input.byte() % 8), addend: input.uint32(),
                                                   width: Int(input.byte() % 10)))
        }
        for _ in 0..<(Int(input.byte()) % 4) {
            var arguments: [PlanArgument] = []
            for _ in 0..<(Int(input.byte()) % 7) {
                arguments.append(input.bool() ? .value(input.uint64()) : .pointer(buffer: Int(input.byte() % 8), offset: input.uint64() >> UInt64(input.byte() % 64)))
            }
            let first = Int(input.byte() % 8)
            let label = String(decoding: input.take(Int(input.byte()) % 36), as: UTF8.self)
            plan.calls.append(PlanCall(op: input.uint32() % 160, label: label, arguments: arguments,
                                       buffers: first..<(first + Int(input.byte() % 4))))
        }
        let valid = (try? plan.validate()) != nil
        do throws(PlanError) {
            let bytes = try plan.encoded()
            require(valid, "encoded a plan that does not validate")
            guard let back = try? HypercallPlan(decoding: bytes) else { require(false, "encoded plan does not decode"); return 0 }
            // Arguments not given encode as value 0: compare with them filled in.
            var expected = plan
            for i in expected.calls.indices {
                expected.calls[i].arguments += Array(repeating: .value(0), count: HypercallPlan.argumentCount - expected.calls[i].arguments.count)
            }
            require(back == expected, "decode(encode(p)) != p")
        } catch {
            require(!valid, "a valid plan did not encode: \(error)")
        }
    default:
        let text = String(decoding: input.rest(), as: UTF8.self)
        do throws(PlanError) {
            let results = try GuestResults(parsing: text)
            require(results.calls.allSatisfy { $0.registers.count <= text.utf8.count }, "more registers than text")
        } catch {
            require(!error.description.contains("\n"), "error spans lines")
        }
    }
    return 0
}
