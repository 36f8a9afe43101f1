# Read with jupyter_lab_config.json when this folder is on JUPYTER_CONFIG_PATH (README.md here).
from pathlib import Path

c = get_config()  # noqa: F821 (Jupyter defines it when it loads this file)
# Settings overrides for JupyterLab and Notebook 7 (both read settings from JupyterLab's
# /lab/api/settings): lab-settings/overrides.json keeps the arrow keys of a focused slider
# for the slider in Notebook 7.  An absolute path, so that it does not depend on the
# folder the server starts in (a .json config cannot say "next to this file").
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab-settings")
