"""The course's part of a JupyterHub configuration.

For a hub whose learners' servers run on the hub's own machine: The Littlest
JupyterHub (TLJH), or any hub with LocalProcessSpawner.  On TLJH, copy this file
into the hub's extra configuration and reload the hub:

    sudo cp docs/hub/jupyterhub_config.py /opt/tljh/config/jupyterhub_config.d/softmax-lessons.py
    sudo tljh-config reload hub

It sets two things, both proved by ``tests/test_hub.py`` (which loads this very
file into a real JupyterHub):

* **The library comes from the learner's pulled copy.**  The nbgitpuller link
  (``docs/hub/course_link.py``) clones the course into ``~/softmax-lessons`` of
  each learner.  ``PYTHONPATH`` points every learner's server, and so every
  kernel, at that copy, so ``import softmax_lib`` finds the library of the same
  version as the notebooks next to it, also after a course update pulled by the
  next click on the link.  A ``softmax_lib`` installed in the image (by
  ``pip install -r requirements.txt``) comes second and is never used.
* **No news or update pop-ups** over a projected lesson.

It sets no ``default_url``: the link itself opens the contents page.  A
``default_url`` such as ``/lab/tree/notebooks/00-index.ipynb`` assumes the
course sits at the top of the learner's home, which it does not.
"""

import os
import pwd

# The folder the nbgitpuller link clones into (its ``targetpath``), under each
# learner's home.  Keep it equal to COURSE_DIR in docs/hub/course_link.py.
COURSE_DIR = "softmax-lessons"


def learner_home(spawner):
    """The home folder of the learner this server is started for."""
    # SimpleLocalProcessSpawner (the test's hub) makes homes from a template.
    home = getattr(spawner, "home_dir", None)
    if home:
        return home
    try:
        # TLJH runs each learner as the system user jupyter-<name>
        # (a shortened, hashed name for very long names).
        from tljh.normalize import generate_system_username
    except ImportError:
        # LocalProcessSpawner: the system user of the same name.
        system_user = spawner.user.name
    else:
        system_user = generate_system_username("jupyter-" + spawner.user.name)
    return pwd.getpwnam(system_user).pw_dir


def course_pythonpath(spawner):
    """PYTHONPATH for a learner's server: their pulled copy of the course."""
    return os.path.join(learner_home(spawner), COURSE_DIR)


c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)

# JupyterHub calls a callable value with the spawner when it starts the server.
c.Spawner.environment.update({"PYTHONPATH": course_pythonpath})

# Nothing over a projected lesson: no news feed, no update check.
c.Spawner.args.extend(
    [
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
)
