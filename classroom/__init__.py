"""A class in the tutorial: set links, class and teacher codes, and the anonymous tally of a class's predictions.

- :mod:`classroom.links`: a question set carried in a link (``?set=``), without its key;
- :mod:`classroom.codes`: class codes (the students' link) and teachers' secrets (the teacher's link);
- :mod:`classroom.store`: the storage interface (:class:`~classroom.store.ClassStore`) and its default, an embedded
  SQLite database beside the server (:class:`~classroom.sqlite_store.SQLiteClassStore`);
- :mod:`classroom.live`: the teacher's poll of the tally.

No personal data: a class's tally is an anonymous count per question and answer. Imports no UI library; the law
(casebook/) imports nothing from here.
"""
