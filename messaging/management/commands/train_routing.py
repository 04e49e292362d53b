"""``manage.py train_routing``: train the routing model (R22) from the corpus and write it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.routing import offer_for
from messaging.routing.classifier import read_model
from messaging.routing.evaluation import evaluate
from messaging.routing.training import (
    CORPUS_PATH,
    MODEL_PATH,
    CorpusError,
    read_examples,
    train,
    write_model,
)


class Command(BaseCommand):
    help = (
        "Train the model that tells a parent when a message belongs to the school office or "
        "needs a meeting (R22), from the corpus of labelled messages, and write it to the "
        "file the portal reads. With --evaluate, report precision and recall per category on "
        "messages it was not trained on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, default=CORPUS_PATH)
        parser.add_argument("--output", type=Path, default=MODEL_PATH)
        parser.add_argument(
            "--evaluate",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="held-out messages (category<TAB>message), with the office's words on top",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            examples = read_examples(options["corpus"])
            held_out = [read_examples(path) for path in options["evaluate"]]
        except (OSError, CorpusError) as error:
            raise CommandError(str(error)) from error
        write_model(train(examples), options["output"])
        self.stdout.write(f"Trained on {len(examples)} messages: wrote {options['output']}")
        model = read_model(options["output"])
        for path, rows in zip(options["evaluate"], held_out, strict=True):

            def route(text: str) -> list[str]:
                offer = offer_for(text, using=model)
                return offer.categories if offer else []

            report = evaluate([(row.category, row.text) for row in rows], route)
            self.stdout.write(f"\n{path.name}: {len(rows)} messages\n\n{report.table()}")
