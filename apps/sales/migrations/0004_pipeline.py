"""The sales pipeline: Cirrus activity details (priorities, type questions and answers, contact
attempts, invitations, followers, reminders), leads with statuses, sources and lead activities,
opportunities with their lookups, and challenges. Every Cirrus filter and sort has a named index
here; the `%` wildcard filters get PostgreSQL pattern or trigram indexes (the last step)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

# The `%` wildcard filters compare UPPER(column) LIKE UPPER(pattern). On PostgreSQL a b-tree over
# UPPER(column) with text_pattern_ops serves exact and prefix patterns of the short columns; the
# long text columns get a trigram GIN index instead (any pattern; no b-tree row size limit), with
# the trusted pg_trgm extension. SQLite scans.
PATTERN_INDEXES = [
    # name, table, column, kind
    ("activity_name_pattern", "sales_activity", "name", "btree"),
    ("activity_location_pattern", "sales_activity", "location", "btree"),
    ("lead_status_name_pattern", "sales_leadstatus", "name", "btree"),
    ("activity_description_trgm", "sales_activity", "description", "trgm"),
    ("opportunity_description_trgm", "sales_opportunity", "description", "trgm"),
    ("lead_activity_comment_trgm", "sales_leadactivity", "comment", "trgm"),
]


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column, kind in PATTERN_INDEXES:
        method = "gin (UPPER({0}) gin_trgm_ops)" if kind == "trgm" else "btree (UPPER({0}) text_pattern_ops)"
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING {method.format(column)}")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_rest in PATTERN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_lead_and_opportunity_custom_fields'),
        ('parties', '0007_profile_photo'),
        ('sales', '0003_standard_activity_types'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ActivityPriority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name_plural': 'activity priorities',
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ChallengeType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('metric', models.CharField(choices=[('activities', 'Activities completed'), ('leads', 'Leads created'), ('opportunities', 'Opportunities created'), ('won', 'Opportunities won'), ('won_value', 'Value of opportunities won')], default='activities', max_length=20)),
                ('duration_days', models.PositiveSmallIntegerField(default=7)),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='LeadActivityType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OpportunityEstimate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('probability', models.PositiveSmallIntegerField(default=0, help_text='Per cent, 0-100.')),
                ('visible', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OpportunityReason',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('kind', models.CharField(choices=[('won', 'Win reason'), ('lost', 'Lost reason')], max_length=10)),
            ],
            options={
                'ordering': ['kind', 'sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OpportunityState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OpportunityStatus',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('description', models.CharField(blank=True, max_length=255)),
                ('colour', models.CharField(blank=True, help_text='Free text, e.g. #2E8B57.', max_length=20)),
                ('sort_order_plug', models.IntegerField(default=0, help_text='Its place in a pipeline (funnel) view.')),
                ('won', models.BooleanField(default=False)),
                ('lost', models.BooleanField(default=False)),
            ],
            options={
                'verbose_name_plural': 'opportunity statuses',
                'ordering': ['opportunity_type', 'sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OpportunityType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('is_default', models.BooleanField(default=False, verbose_name='default')),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
                ('is_default', models.BooleanField(default=False, verbose_name='default')),
            ],
            options={
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='activity',
            name='extras_external_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='activity',
            name='followers',
            field=models.ManyToManyField(blank=True, related_name='followed_activities', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='activity',
            name='invited_users',
            field=models.ManyToManyField(blank=True, related_name='invited_activities', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='activity',
            name='reminder_done',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='activity',
            name='reminder_minutes',
            field=models.PositiveIntegerField(blank=True, help_text='Remind this many minutes before the start (empty: no reminder).', null=True),
        ),
        migrations.AddField(
            model_name='activity',
            name='reminder_text',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='activitytype',
            name='alternate_user_followups',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='activitytype',
            name='icon',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='activitytype',
            name='is_quick',
            field=models.BooleanField(default=False, help_text='Offered for quick registration.', verbose_name='quick'),
        ),
        migrations.AddField(
            model_name='activitytype',
            name='user_followups',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='activitytype',
            name='value',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lead',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_leads', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_city',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_company',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_email',
            field=models.CharField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_first_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_last_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_mobile',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_phone',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_postal_code',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_street',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_title',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='lead',
            name='prospect_vat_number',
            field=models.CharField(blank=True, max_length=50, verbose_name='prospect VAT number'),
        ),
        migrations.AddField(
            model_name='lead',
            name='rating',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lead',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='leads', to='core.tag'),
        ),
        migrations.AddField(
            model_name='lead',
            name='value',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AlterField(
            model_name='lead',
            name='contact',
            field=models.ForeignKey(blank=True, help_text='The account (or person) the lead belongs to, once there is one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='leads', to='parties.party'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='title',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='activity',
            name='priority',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='sales.activitypriority'),
        ),
        migrations.CreateModel(
            name='ActivityTypeQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('question', models.CharField(max_length=255)),
                ('sort_order', models.IntegerField(default=0)),
                ('activity_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='sales.activitytype')),
            ],
            options={
                'ordering': ['activity_type', 'sort_order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ActivityAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answer', models.TextField(blank=True)),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='sales.activity')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='sales.activitytypequestion')),
            ],
            options={
                'ordering': ['question__sort_order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Challenge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('start', models.DateTimeField()),
                ('stop', models.DateTimeField()),
                ('active', models.BooleanField(default=True, help_text='Off once declined or decided.')),
                ('winner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='won_challenges', to=settings.AUTH_USER_MODEL)),
                ('challenge_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='challenges', to='sales.challengetype')),
            ],
            options={
                'ordering': ['-active', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ChallengeParticipant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_owner', models.BooleanField(default=False, help_text='The challenger.')),
                ('accepted', models.DateTimeField(blank=True, null=True)),
                ('challenge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='sales.challenge')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='challenge_participations', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-is_owner', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ContactAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True)),
                ('time', models.DateTimeField()),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_attempts', to='sales.activity')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['time', 'id'],
            },
        ),
        migrations.CreateModel(
            name='LeadActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('comment', models.TextField()),
                ('followup', models.DateTimeField(blank=True, null=True)),
                ('done', models.BooleanField(default=False)),
                ('lead', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lead_activities', to='sales.lead')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('activity_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lead_activities', to='sales.leadactivitytype')),
            ],
            options={
                'verbose_name_plural': 'lead activities',
                'ordering': ['done', 'id'],
            },
        ),
        migrations.CreateModel(
            name='LeadStatus',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('sort_order', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name_plural': 'lead statuses',
                'ordering': ['sort_order', 'name', 'id'],
                'abstract': False,
                'indexes': [models.Index(fields=['sort_order', 'id'], name='lead_status_sort_order')],
            },
        ),
        migrations.AddField(
            model_name='lead',
            name='status',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='leads', to='sales.leadstatus'),
        ),
        migrations.CreateModel(
            name='Opportunity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True, db_index=True)),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('title', models.CharField(max_length=255)),
                ('description', models.TextField(blank=True)),
                ('phone', models.CharField(blank=True, max_length=50)),
                ('result', models.TextField(blank=True)),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ('alt_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='alternative value')),
                ('alt_value_label', models.CharField(blank=True, max_length=100, verbose_name='alternative value label')),
                ('estimated_end_date', models.DateField(help_text='When it is expected to close.')),
                ('end_date', models.DateField(blank=True, help_text='When it closed.', null=True)),
                ('closed', models.BooleanField(default=False)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='parties.party')),
                ('alt_account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alt_opportunities', to='parties.party', verbose_name='alternative account')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contact_opportunities', to='parties.party')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('followers', models.ManyToManyField(blank=True, related_name='followed_opportunities', to=settings.AUTH_USER_MODEL)),
                ('order', models.ForeignKey(blank=True, help_text='The order this won opportunity became.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='opportunities', to='sales.order')),
                ('owner', models.ForeignKey(blank=True, help_text='The responsible user.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_opportunities', to=settings.AUTH_USER_MODEL)),
                ('progression_state', models.ForeignKey(blank=True, limit_choices_to={'applies_to': 'opportunity'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='opportunities', to='sales.progressionstate')),
                ('tags', models.ManyToManyField(blank=True, related_name='opportunities', to='core.tag')),
            ],
            options={
                'verbose_name_plural': 'opportunities',
                'ordering': ['estimated_end_date', 'id'],
            },
        ),
        migrations.AddField(
            model_name='activity',
            name='opportunity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='sales.opportunity'),
        ),
        migrations.AddField(
            model_name='lead',
            name='opportunity',
            field=models.ForeignKey(blank=True, help_text='The opportunity the lead was converted to.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='leads', to='sales.opportunity'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['owner', 'start'], name='activity_owner_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['account', 'start'], name='activity_account_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['contact', 'start'], name='activity_contact_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['activity_type', 'start'], name='activity_type_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['state', 'start'], name='activity_state_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['opportunity', 'start'], name='activity_opportunity_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['progression_state', 'start'], name='activity_progression_start'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['start', 'id'], name='activity_start_id'),
        ),
        migrations.AddConstraint(
            model_name='opportunityestimate',
            constraint=models.CheckConstraint(condition=models.Q(('probability__lte', 100)), name='estimate_at_most_100'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='estimate',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='opportunities', to='sales.opportunityestimate'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='lost_reason',
            field=models.ForeignKey(blank=True, limit_choices_to={'kind': 'lost'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='lost_opportunities', to='sales.opportunityreason'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='win_reason',
            field=models.ForeignKey(blank=True, limit_choices_to={'kind': 'won'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='won_opportunities', to='sales.opportunityreason'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='state',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='opportunities', to='sales.opportunitystate'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='status',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='sales.opportunitystatus'),
        ),
        migrations.AddField(
            model_name='opportunitystatus',
            name='opportunity_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statuses', to='sales.opportunitytype'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='opportunity_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='sales.opportunitytype'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='opportunities', to='sales.source'),
        ),
        migrations.AddField(
            model_name='lead',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='leads', to='sales.source'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['created', 'id'], name='lead_created_id'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['status', 'created'], name='lead_status_created'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['source', 'created'], name='lead_source_created'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['owner', 'created'], name='lead_owner_created'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['rating', 'created'], name='lead_rating_created'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['value', 'id'], name='lead_value_id'),
        ),
        migrations.AddConstraint(
            model_name='activityanswer',
            constraint=models.UniqueConstraint(fields=('activity', 'question'), name='one_answer_per_question'),
        ),
        migrations.AddIndex(
            model_name='challengeparticipant',
            index=models.Index(fields=['user', 'is_owner', 'challenge'], name='challenge_participant_user'),
        ),
        migrations.AddConstraint(
            model_name='challengeparticipant',
            constraint=models.UniqueConstraint(fields=('challenge', 'is_owner'), name='one_challenger_one_challenged'),
        ),
        migrations.AddConstraint(
            model_name='challengeparticipant',
            constraint=models.UniqueConstraint(fields=('challenge', 'user'), name='challenge_user_once'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['active', 'id'], name='challenge_active_id'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['challenge_type', 'id'], name='challenge_type_id'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['winner', 'id'], name='challenge_winner_id'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['start', 'stop'], name='challenge_period'),
        ),
        migrations.AddConstraint(
            model_name='challenge',
            constraint=models.CheckConstraint(condition=models.Q(('stop__gte', models.F('start'))), name='challenge_stop_after_start'),
        ),
        migrations.AddIndex(
            model_name='contactattempt',
            index=models.Index(fields=['activity', 'time'], name='contact_attempt_activity_time'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['done', 'id'], name='lead_activity_done_id'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['lead', 'done'], name='lead_activity_lead_done'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['owner', 'done'], name='lead_activity_owner_done'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['activity_type', 'done'], name='lead_activity_type_done'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['followup', 'id'], name='lead_activity_followup_id'),
        ),
        migrations.AddIndex(
            model_name='leadactivity',
            index=models.Index(fields=['created', 'id'], name='lead_activity_created_id'),
        ),
        migrations.AddConstraint(
            model_name='opportunitystatus',
            constraint=models.CheckConstraint(condition=models.Q(('lost', True), ('won', True), _negated=True), name='status_not_won_and_lost'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['estimated_end_date', 'id'], name='opportunity_estimated_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['owner', 'estimated_end_date'], name='opportunity_owner_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['account', 'estimated_end_date'], name='opportunity_account_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['contact', 'estimated_end_date'], name='opportunity_contact_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['status', 'estimated_end_date'], name='opportunity_status_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['estimate', 'estimated_end_date'], name='opportunity_estimate_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['opportunity_type', 'estimated_end_date'], name='opportunity_type_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['closed', 'estimated_end_date'], name='opportunity_closed_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['end_date', 'id'], name='opportunity_end_date'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['lost_reason', 'estimated_end_date'], name='opportunity_lost_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['win_reason', 'estimated_end_date'], name='opportunity_win_end'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(fields=['progression_state', 'estimated_end_date'], name='opportunity_progress_end'),
        ),
        migrations.RunPython(create_pattern_indexes, drop_pattern_indexes),
    ]
