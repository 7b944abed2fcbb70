"""``manage.py add_user USERNAME --role ROLE --area CODE [--password P] [--full-name N] [--position P]``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.services import create_user


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, translated when the parser is built
        return _(
            "Create an account with a role and the area it sees. "
            "--area is required for every role except admin. "
            "Without --password a random password is generated and printed."
        )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", dest="area_code", metavar="CODE", help=_("The code of the area."))
        parser.add_argument("--password", help=_("The password; generated when omitted."))
        parser.add_argument("--full-name", default="", help=_("The full name that signs the user's documents."))
        parser.add_argument("--position", default="", help=_("The position printed under the full name."))

    def handle(self, *args, username, role, area_code, password, full_name, position, **options):
        if role != Role.ADMIN and not area_code:
            raise CommandError(_("--area is required for the role %(role)s.") % {"role": role})
        try:
            user, password_used = create_user(
                username=username,
                role=role,
                area_code=area_code,
                password=password,
                full_name=full_name,
                position=position,
            )
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from error

        area = f"{user.area.full_name} ({user.area.code})" if user.area else _("all areas")
        self.stdout.write(self.style.SUCCESS(_("Created user %(username)s.") % {"username": user.username}))
        self.stdout.write(_("Role: %(role)s") % {"role": user.get_role_display()})
        self.stdout.write(_("Area: %(area)s") % {"area": area})
        if password is None:
            self.stdout.write(_("Password: %(password)s") % {"password": password_used})
