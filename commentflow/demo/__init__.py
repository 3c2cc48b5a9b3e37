"""Demo data: a province in today's structure (An Giang, with the Kiên Giang agencies of công
văn 2159/SYT-TCCB kept as history) and one user per role."""
