"""ipywidgets components of Platform Liability Lab. They ask and show; the engine in :mod:`casebook` decides."""
