"""``ovh-invoices cache clear [--profile NAME]``: delete the local cache of one profile, or of all."""

from __future__ import annotations

from ovh_invoices_tui.cli.core import EXIT_OK, GROUP_HELP, CliContext, command

GROUP_HELP.setdefault("cache", "the local cache of invoices (instant start, offline)")


@command("cache", "clear", help="delete the cached invoices of --profile (or --demo), or of every profile",
         needs_profile=False)  # fmt: skip
def cache_clear(ctx: CliContext) -> int:
    from ovh_invoices_tui.config import Profile, demo_profile
    from ovh_invoices_tui.data.cache.profile import clear_caches

    args = ctx.args
    profile: Profile | None = None
    if args.demo:
        profile = demo_profile(ctx.settings.profiles.get(args.profile) if args.profile else None)
    elif args.profile:
        # a profile removed from the config may still have a cache: its name is enough
        profile = ctx.settings.profiles.get(args.profile) or Profile(name=args.profile)
    removed = clear_caches(profile)
    for path in removed:
        print(f"removed {path}", file=ctx.out)
    if not removed:
        whose = f"profile {profile.name}" if profile is not None else "any profile"
        print(f"no cache to remove for {whose}", file=ctx.out)
    return EXIT_OK
