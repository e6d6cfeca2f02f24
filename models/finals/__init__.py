"""Period, year, exam and final marks: proposals, the sheet, closing a period."""
