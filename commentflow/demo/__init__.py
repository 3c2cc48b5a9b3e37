"""Demo data: the Kiên Giang province of công văn 2159/SYT-TCCB, with one user per role."""
