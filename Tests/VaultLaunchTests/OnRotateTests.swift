import Glibc
import Testing
import VaultLaunch

struct OnRotateTests {
    @Test(arguments: [
        ("handover", OnRotate.handover), ("restart", .restart), ("signal:HUP", .signal(SIGHUP)),
        ("signal:SIGUSR1", .signal(SIGUSR1)), ("signal:usr2", .signal(SIGUSR2)),
    ])
    func namesParse(_ text: String, _ expected: OnRotate) {
        #expect(OnRotate(text) == expected)
    }

    @Test(arguments: ["signal:KILL", "signal:", "signal:99", "reload", ""])
    func unknownNamesAreRefused(_ text: String) {
        #expect(OnRotate(text) == nil)
    }

    @Test func descriptionsRoundTrip() {
        for value in [OnRotate.handover, .restart, .signal(SIGHUP)] { #expect(OnRotate(value.description) == value) }
    }
}
