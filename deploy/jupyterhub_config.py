"""JupyterHub: the tutorial for every user of a school, served through Voila.

Each user who logs in gets their own single-user Jupyter server (JupyterHub's usual model) whose landing page is the
first chapter rendered by Voila: Voila's Jupyter Server extension, which ``pip install voila`` (or the project's
``environment.yml``) installs and enables, serves ``/voila/render/<notebook>`` inside that server. Users never see
JupyterLab unless they type its URL; since the server is their own, nothing they do there reaches anyone else.

Run (see docs/deploy.md for the whole procedure and the sizing):

    pip install jupyterhub jupyterhub-idle-culler        # in the hub's environment
    pip install /srv/platform-liability-lab              # the project, in the users' environment
    LL_LAB_DIR=/srv/platform-liability-lab jupyterhub -f deploy/jupyterhub_config.py

Everything school-specific (how people log in, which spawner) is left at JupyterHub's defaults or read from the
environment, so this file is the same for a test machine and a school; tests/test_deploy.py executes it.
"""

import os
import sys

c = get_config()  # noqa: F821  (JupyterHub provides get_config when it loads this file)

# Where the project's checkout (or copy) lives on the machine that runs the users' servers.
LAB_DIR = os.environ.get("LL_LAB_DIR", "/srv/platform-liability-lab")

# Landing page: the first chapter, through Voila. Every chapter links to the next and to the analyzer.
c.Spawner.default_url = "/voila/render/notebooks/00_start_here.ipynb"
c.Spawner.notebook_dir = LAB_DIR

# The same Voila settings as the public demo where they apply to a per-user server (docs/deploy.md explains why the
# kernel cap and preheating are not needed here: every user has their own server).
c.Spawner.args = [
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.strip_sources=True",
    # A page's kernel is shut down after 15 idle minutes (a lesson's pause does not lose the page's state sooner).
    "--MappingKernelManager.cull_idle_timeout=900",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
]

# Per-user limits, from the benchmark's figures (docs/deploy.md, "Sizing"): a user server with one page open takes
# about 0.25 GB; 512 MB leaves room for three pages. Enforced by container spawners (DockerSpawner, KubeSpawner);
# the default LocalProcessSpawner ignores them.
c.Spawner.mem_limit = os.environ.get("LL_MEM_LIMIT", "512M")
c.Spawner.cpu_limit = float(os.environ.get("LL_CPU_LIMIT", "1"))
# A class opening the link together: start servers in parallel, and give a busy machine time to start them.
c.JupyterHub.concurrent_spawn_limit = int(os.environ.get("LL_CONCURRENT_SPAWNS", "100"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# Stop users' servers after an idle hour, so a school's memory follows who is actually working.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "description": "stop idle users' servers",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

# How people log in is the school's choice (PAM by default; e.g. "oauthenticator.GenericOAuthenticator" or an
# LDAP authenticator in production). LL_AUTHENTICATOR=dummy gives a password-less hub for a trial on a laptop.
if os.environ.get("LL_AUTHENTICATOR"):
    c.JupyterHub.authenticator_class = os.environ["LL_AUTHENTICATOR"]
