"""The workshop room: lessons served to learners' browsers from the teacher's machine."""
