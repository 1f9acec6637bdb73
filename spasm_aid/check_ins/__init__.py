"""Follow-up check-ins (clinical-guidance section 7): when they fall due (schedule), where they
are kept and claimed (store), and how a Rasa server sends the due ones (worker)."""
