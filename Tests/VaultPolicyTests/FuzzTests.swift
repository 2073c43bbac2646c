import Foundation
import Testing
import VaultCore
@testable import VaultPolicy

/// Seeded random drivers that run with every test (Fuzz/run.sh adds coverage-guided libFuzzer runs): mutate valid
/// inputs of the frame decoder's JSON parser and of the policy parser, thousands of times, bounded in count and time. Every input must either parse or be rejected with an error — never crash or hang. The seed is
/// fixed so a failure reproduces; FUZZ_SEED and FUZZ_ITERATIONS change them.
struct FuzzTests {
    /// SplitMix64: small, seedable, good enough to drive mutations.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let environment = ProcessInfo.processInfo.environment
    static let seed = UInt64(environment["FUZZ_SEED"] ?? "") ?? 0x5EED_2026
    static let iterations = Int(environment["FUZZ_ITERATIONS"] ?? "") ?? 20_000

    static func mutate(_ input: [UInt8], _ random: inout Generator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array("{}[]\":,\\u0 \n\t-eE.9tfn".utf8) + [0, 0x7f, 0x80, 0xc3, 0xff]
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = interesting.randomElement(using: &random)!
            case 1:
                bytes.insert(
                    interesting.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
            case 2 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 3 where bytes.count > 2:
                let cut = Int.random(in: 0..<bytes.count, using: &random)
                bytes = Array(bytes[..<cut])
            default:
                let start = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(contentsOf: bytes[start...].prefix(8), at: Int.random(in: 0...bytes.count, using: &random))
            }
        }
        return bytes
    }

    @Test func theAgentsJSONParserNeverCrashesOnMutatedFrames() {
        let seeds = [
            #"{"id":1,"op":"hello","version":1}"#, #"{"id":2,"op":"unlock","passphrase":"p\u00e9\"ss"}"#,
            #"{"id":3,"ok":true,"entries":[{"var":"A","secret":"a/b","value":"v\n"}],"inherit":[]}"#,
            "[1,-2.5e3,null,false]",
        ].map { Array($0.utf8) }
        var random = Generator(state: Self.seed)
        var parsed = 0, rejected = 0
        let deadline = Date().addingTimeInterval(20)
        for index in 0..<Self.iterations where Date() < deadline {
            let input = Self.mutate(seeds[index % seeds.count], &random)
            do {
                _ = try input.withUnsafeBytes { try SecureJSON.parse($0, secretKeys: ["passphrase", "value"]) }
                parsed += 1
            } catch {
                rejected += 1
            }
        }
        #expect(
            parsed > 0 && rejected > 0,
            "the mutations should hit both outcomes (parsed \(parsed), rejected \(rejected))")
    }

    @Test func thePolicyParserNeverCrashesOnMutatedFiles() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let examples = try FileManager.default.contentsOfDirectory(atPath: repository.path + "/Policies/examples")
            .sorted()
            .map { try Array(Data(contentsOf: repository.appendingPathComponent("Policies/examples/" + $0))) }
        var random = Generator(state: Self.seed ^ 0xABCD)
        var clean = 0, diagnosed = 0
        let deadline = Date().addingTimeInterval(20)
        for index in 0..<Self.iterations / 4 where Date() < deadline {
            let text = String(decoding: Self.mutate(examples[index % examples.count], &random), as: UTF8.self)
            let parser = PolicyFileParser(file: "fuzz.yaml", text: text)
            if parser.diagnostics.isEmpty { clean += 1 } else { diagnosed += 1 }
            #expect(parser.diagnostics.allSatisfy { $0.line >= 0 && !$0.message.isEmpty })
        }
        #expect(clean > 0, "clean \(clean), diagnosed \(diagnosed)")
        #expect(diagnosed > 0, "clean \(clean), diagnosed \(diagnosed)")
    }
}
