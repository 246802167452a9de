import FuzzDriver

runLibFuzzer(fuzzArtifactDecoders)
