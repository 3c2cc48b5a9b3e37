"""Pure builders of downloadable documents: plain data in, .docx/.xlsx bytes out."""
