"""The `AppConfig` of a mission app: at start-up, its `facts` and `indicators` modules, where
it has them, `register()` what it computes in the contract's registry, its `creation_starters`
module what a fiche-action of the projet de santé can start (`creation.registry`), and each entry of its
`periodic` table (`register_periodic`'s arguments, "task" naming a task of its `tasks` module)
goes to the scheduler. `apps.py` imports this module, not the class (Django would find two
`AppConfig` there)."""

from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule

REGISTERING_MODULES = ("facts", "indicators", "creation_starters")


class MissionAppConfig(AppConfig):
    periodic: dict[str, dict] = {}

    def ready(self):
        from .scheduler import register_periodic

        for module_name in REGISTERING_MODULES:
            if module_has_submodule(self.module, module_name):
                import_module(f"{self.name}.{module_name}").register()
        for name, arguments in self.periodic.items():
            tasks = import_module(f"{self.name}.tasks")
            register_periodic(name, **arguments | {"task": getattr(tasks, arguments["task"])})
