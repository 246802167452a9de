// Module CompatAdmission: see README.md, "Architecture".
