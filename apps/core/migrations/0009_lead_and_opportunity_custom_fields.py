"""Custom fields of leads and opportunities (two more `applies_to` keys)."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_jobs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='customfield',
            name='applies_to',
            field=models.CharField(choices=[('person', 'Persons'), ('organisation', 'Organisations'), ('party', 'Persons and organisations'), ('activity', 'Activities'), ('lead', 'Leads'), ('opportunity', 'Opportunities')], default='person', max_length=20),
        ),
        migrations.AlterField(
            model_name='customfieldcategory',
            name='applies_to',
            field=models.CharField(choices=[('person', 'Persons'), ('organisation', 'Organisations'), ('party', 'Persons and organisations'), ('activity', 'Activities'), ('lead', 'Leads'), ('opportunity', 'Opportunities')], default='person', max_length=20),
        ),
    ]
