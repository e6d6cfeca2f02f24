"""The class journal: the teacher's page, cells, lessons, history, files, remarks, the attendance review, the diary."""
