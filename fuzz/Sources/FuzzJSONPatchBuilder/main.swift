import FuzzDriver

runLibFuzzer(fuzzJSONPatchBuilder)
