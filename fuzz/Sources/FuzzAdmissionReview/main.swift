import FuzzDriver

runLibFuzzer(fuzzAdmissionReview)
