@testable import CompatRegistry
import Testing

@Suite struct AuthChallengeTests {
    @Test func bearerChallengeParameters() {
        let challenge = AuthChallenge.parse(#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:rse-ops/lammps-matrix:pull""#)
        #expect(challenge == AuthChallenge(scheme: "bearer", parameters: [
            "realm": "https://ghcr.io/token", "service": "ghcr.io", "scope": "repository:rse-ops/lammps-matrix:pull",
        ]))
    }

    @Test func quotedCommasEscapesAndUnquotedValues() {
        let challenge = AuthChallenge.parse(#"Bearer realm="https://a/t?x=1,y=2", scope="repository:a:pull,push" , error=insufficient_scope, note="say \"hi\"""#)
        #expect(challenge?.parameters["realm"] == "https://a/t?x=1,y=2")
        #expect(challenge?.parameters["scope"] == "repository:a:pull,push")
        #expect(challenge?.parameters["error"] == "insufficient_scope")
        #expect(challenge?.parameters["note"] == #"say "hi""#)
    }

    @Test func basicChallengeAndBrokenHeaders() {
        #expect(AuthChallenge.parse(#"Basic realm="Registry Realm""#)?.scheme == "basic")
        #expect(AuthChallenge.parse(nil) == nil)
        #expect(AuthChallenge.parse("") == nil)
        #expect(AuthChallenge.parse(#"Bearer realm="unterminated"#) == nil)
    }
}
